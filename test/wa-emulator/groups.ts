import { randomInt } from 'node:crypto';
import { getBinaryNodeChildren, isJidGroup, proto, unpadRandomMax16, type BinaryNode } from 'baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from 'baileys/lib/Signal/Group/index.js';
import type { Account } from './accounts.js';
import type { EmulatorModule, WaEmulator } from './emulator.js';

/** A group on the emulated network. */
export interface EmulatedGroup {
  jid: string;
  subject: string;
  creator: Account;
  participants: Account[];
  createdAt: number;
}

/** Group state per emulator: the groups, and each participant device's sender keys. */
class GroupDirectory {
  readonly groups = new Map<string, EmulatedGroup>();
  private readonly senderKeys = new Map<string, SenderKeyRecord>();

  /** The sender-key store of one recipient device, as Baileys' group cipher expects it. */
  storeOf(account: Account, device: number) {
    const prefix = `${account.phone}.${device}|`;
    return {
      loadSenderKey: async (name: SenderKeyName) => this.senderKeys.get(prefix + name.toString()) ?? new SenderKeyRecord(),
      storeSenderKey: async (name: SenderKeyName, record: SenderKeyRecord) => {
        this.senderKeys.set(prefix + name.toString(), record);
      },
    };
  }
}

const directories = new WeakMap<WaEmulator, GroupDirectory>();
const directoryOf = (emulator: WaEmulator) => {
  let directory = directories.get(emulator);
  if (!directory) directories.set(emulator, (directory = new GroupDirectory()));
  return directory;
};

/** Sender keys are per group and per sending device (`79001112233:1@s.whatsapp.net`). */
const senderKeyName = (group: string, sender: string) => new SenderKeyName(group, { id: sender, deviceId: 0, toString: () => sender });

/** Creates a group of existing accounts; the first phone is its creator (admin). */
export function createGroup(emulator: WaEmulator, subject: string, phones: string[]): EmulatedGroup {
  const participants = phones.map((phone) => {
    const account = emulator.accounts.byPhoneNumber(phone);
    if (!account) throw new Error(`${phone} has no account`);
    return account;
  });
  const jid = `120363${String(randomInt(100_000_000_000, 999_999_999_999))}@g.us`;
  const group = { jid, subject, creator: participants[0]!, participants, createdAt: Math.floor(Date.now() / 1000) };
  directoryOf(emulator).groups.set(jid, group);
  return group;
}

function metadataNode(group: EmulatedGroup): BinaryNode {
  return {
    tag: 'group',
    attrs: {
      id: group.jid.split('@')[0]!,
      subject: group.subject,
      s_t: String(group.createdAt),
      s_o: group.creator.pnJid,
      creation: String(group.createdAt),
      creator: group.creator.pnJid,
      addressing_mode: 'pn',
      size: String(group.participants.length),
    },
    content: group.participants.map((account): BinaryNode => {
      const attrs: Record<string, string> = { jid: account.pnJid };
      if (account === group.creator) attrs.type = 'superadmin';
      return { tag: 'participant', attrs };
    }),
  };
}

/**
 * Groups: metadata queries (`w:g2`), sender-key distribution messages taken in by every device
 * that decrypts one, and `skmsg` payloads decrypted with those keys at every participant device.
 */
export const groups: EmulatorModule = (emulator) => {
  const directory = directoryOf(emulator);

  emulator.onIq(
    'w:g2',
    (connection, iq) => {
      const group = directory.groups.get(iq.attrs.to ?? '');
      if (!group) return connection.replyError(iq, 404, 'item-not-found');
      const isMember = group.participants.includes(connection.login!.account);
      if (!isMember) return connection.replyError(iq, 403, 'forbidden');
      connection.reply(iq, [metadataNode(group)]);
    },
    'query',
  );

  emulator.onDecrypted(async (account, device, message, meta) => {
    const distribution = message.senderKeyDistributionMessage;
    if (!distribution?.groupId || !distribution.axolotlSenderKeyDistributionMessage) return;
    const builder = new GroupSessionBuilder(directory.storeOf(account, device));
    const serialized = distribution.axolotlSenderKeyDistributionMessage;
    await builder.process(
      senderKeyName(distribution.groupId, meta.sender),
      new SenderKeyDistributionMessage(null, null, null, null, serialized as Uint8Array),
    );
  });

  emulator.onDeliver(async (connection, node) => {
    const groupJid = node.attrs.to!;
    const group = isJidGroup(groupJid) ? directory.groups.get(groupJid) : undefined;
    const enc = getBinaryNodeChildren(node, 'enc').find((child) => child.attrs.type === 'skmsg');
    if (!group || !enc) return;
    const sender = connection.deviceJid;
    for (const account of group.participants) {
      for (const [device] of account.devices) {
        const cipher = new GroupCipher(directory.storeOf(account, device), senderKeyName(groupJid, sender));
        let plaintext: Uint8Array;
        try {
          plaintext = await cipher.decrypt(enc.content as Uint8Array);
        } catch {
          continue; // This device holds no sender key from that sender: it could not read it.
        }
        await emulator.messageDecrypted(account, device, proto.Message.decode(unpadRandomMax16(plaintext)), {
          id: node.attrs.id!,
          chat: groupJid,
          sender,
          stanza: node.attrs.type ? { type: node.attrs.type } : {},
          encryption: 'skmsg',
        });
      }
    }
  });
};
