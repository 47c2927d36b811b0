import { getBinaryNodeChild, getBinaryNodeChildren, isJidGroup, type BinaryNode, type proto } from 'baileys';
import type { Connection } from './connection.js';
import type { DecryptedMeta, EmulatorModule, WaEmulator } from './emulator.js';
import type { ReceivedMessage } from './inbox.js';

const now = () => String(Math.floor(Date.now() / 1000));

/** The stanza attributes a test may want to check. */
function stanzaOf(node: BinaryNode, enc: BinaryNode): ReceivedMessage['stanza'] {
  const stanza: ReceivedMessage['stanza'] = {};
  if (node.attrs.type) stanza.type = node.attrs.type;
  if (node.attrs.edit) stanza.edit = node.attrs.edit;
  if (enc.attrs.mediatype) stanza.mediatype = enc.attrs.mediatype;
  return stanza;
}

/**
 * Decrypts every pairwise copy (`participants/to/enc`) of an outgoing message at the emulated
 * device it is addressed to and hands it to the decrypt listeners (which record it). A copy for the sender's own devices arrives wrapped
 * as a device-sent message; it is unwrapped and filed under the chat it was sent to.
 */
export async function deliverPairwise(emulator: WaEmulator, connection: Connection, node: BinaryNode): Promise<void> {
  const { account: sender, companion } = connection.login!;
  const chatJid = node.attrs.to!;
  const isGroup = isJidGroup(chatJid) === true;
  for (const to of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
    const enc = getBinaryNodeChild(to, 'enc');
    const target = emulator.accounts.resolve(to.attrs.jid!);
    const device = target?.account.devices.get(target.device);
    if (!enc || !target || !device) continue;
    let message = await device.decrypt({ user: sender.lid, device: companion.deviceId }, enc.attrs.type!, enc.content as Uint8Array);
    let chat = isGroup ? chatJid : sender.pnJid;
    if (message.deviceSentMessage) {
      chat = message.deviceSentMessage.destinationJid ?? chatJid;
      message = message.deviceSentMessage.message ?? {};
    }
    await emulator.messageDecrypted(target.account, target.device, message, {
      id: node.attrs.id!,
      chat,
      sender: connection.deviceJid,
      stanza: stanzaOf(node, enc),
      encryption: enc.attrs.type!,
    });
  }
}

/** Fields that carry keys or bookkeeping, not anything the recipient sees. */
const KEY_ONLY_FIELDS = new Set(['senderKeyDistributionMessage', 'messageContextInfo']);

/** Records a decrypted message, unless it only carried keys (a sender-key distribution). */
export function recordIfContent(emulator: WaEmulator, recipient: string, device: number, message: proto.IMessage, meta: DecryptedMeta): void {
  const hasContent = Object.entries(message).some(([field, value]) => !KEY_ONLY_FIELDS.has(field) && value !== undefined && value !== null);
  if (hasContent) emulator.inbox.record({ ...meta, recipient, device, message, receivedAt: new Date() });
}

/**
 * Outgoing messages: decrypted at each addressed device, then acknowledged to the sender as
 * the server does (`ack class="message"`). Receipts are sent only when a test asks for them.
 */
export const messages: EmulatorModule = (emulator) => {
  emulator.onDeliver((connection, node) => deliverPairwise(emulator, connection, node));
  emulator.onDecrypted((account, device, message, meta) => recordIfContent(emulator, account.phone, device, message, meta));
  emulator.onNode('message', async (connection, node) => {
    if (!connection.login || emulator.faults.takeDrop('before-delivery')) return connection.drop();
    await emulator.deliver(connection, node);
    if (emulator.faults.takeDrop('after-delivery')) return connection.drop();
    const ack: BinaryNode = { tag: 'ack', attrs: { class: 'message', id: node.attrs.id!, from: node.attrs.to!, t: now() } };
    await emulator.acknowledge(connection, ack);
  });
  // Acks and receipts the client sends for what it received need no answer.
  emulator.onNode('ack', () => {});
  emulator.onNode('receipt', () => {});
  emulator.onNode('presence', () => {});
  emulator.onNode('chatstate', () => {});
};

/** Who a receipt comes from: the recipient's phone JID, or the group with the recipient as participant. */
function receiptFrom(message: ReceivedMessage): { from: string; participant?: string } {
  const recipient = `${message.recipient}@s.whatsapp.net`;
  return isJidGroup(message.chat) ? { from: message.chat, participant: recipient } : { from: recipient };
}

/**
 * The recipient's phone reports a message delivered (`delivery`) or read (`read`) to the sender's
 * companion, if it is online, once the server has acked the message (a receipt never overtakes
 * the ack). Resolves with whether a receipt was sent.
 */
export async function sendReceipt(emulator: WaEmulator, message: ReceivedMessage, type: 'delivery' | 'read'): Promise<boolean> {
  await emulator.acknowledged(message.id);
  const sender = emulator.accounts.resolve(message.sender);
  const connection = sender && emulator.connectionOf(sender.account, sender.device);
  if (!connection) return false;
  const attrs: Record<string, string> = { id: message.id, ...receiptFrom(message), t: now() };
  if (type === 'read') attrs.type = 'read';
  connection.send({ tag: 'receipt', attrs });
  return true;
}
