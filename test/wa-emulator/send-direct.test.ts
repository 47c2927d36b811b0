import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { proto } from 'baileys';
import type { BaileysClient } from './baileys-client.js';
import { sendReceipt, startEmulator, type WaEmulator } from './index.js';
import { linkedClient } from './linked-client.js';

const OWNER = '79001112233';
const ANNA = '79005550101';
const annaJid = `${ANNA}@s.whatsapp.net`;
const ownerJid = `${OWNER}@s.whatsapp.net`;

let emulator: WaEmulator;
let client: BaileysClient;
before(async () => {
  emulator = await startEmulator();
  emulator.addAccount(ANNA, { name: 'Anna' });
  client = await linkedClient(emulator, OWNER);
});
after(async () => {
  await client.stop();
  await emulator.close();
});

const arrived = (id: string | null | undefined) => emulator.inbox.waitFor((m) => m.id === id && m.recipient === ANNA && m.device === 0);

test('a text to a 1:1 chat is decrypted by the recipient exactly as sent', async () => {
  const sent = await client.sock.sendMessage(annaJid, { text: 'Hello, Anna! Your appointment is tomorrow at 10:00.' });
  const received = await arrived(sent?.key.id);
  assert.equal(received.chat, ownerJid);
  assert.equal(received.message.conversation ?? received.message.extendedTextMessage?.text, 'Hello, Anna! Your appointment is tomorrow at 10:00.');
  assert.equal(received.encryption, 'pkmsg');
  assert.equal(received.stanza.type, 'text');
});

test('a location arrives with its coordinates, name and address', async () => {
  const sent = await client.sock.sendMessage(annaJid, {
    location: { degreesLatitude: 55.7558, degreesLongitude: 37.6173, name: 'Clinic', address: 'Tverskaya 1, Moscow' },
  });
  const { message } = await arrived(sent?.key.id);
  assert.equal(message.locationMessage?.degreesLatitude, 55.7558);
  assert.equal(message.locationMessage?.degreesLongitude, 37.6173);
  assert.equal(message.locationMessage?.name, 'Clinic');
  assert.equal(message.locationMessage?.address, 'Tverskaya 1, Moscow');
});

test('a contact card arrives as the vCard that was sent', async () => {
  const vcard = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Dr. Ivanova', 'TEL;type=CELL;waid=79001234567:+7 900 123-45-67', 'END:VCARD'].join('\n');
  const sent = await client.sock.sendMessage(annaJid, { contacts: { contacts: [{ displayName: 'Dr. Ivanova', vcard }] } });
  const { message } = await arrived(sent?.key.id);
  assert.equal(message.contactMessage?.displayName, 'Dr. Ivanova');
  assert.equal(message.contactMessage?.vcard, vcard);
});

test('a reaction, an edit and a revoke each point at the original message', async () => {
  const original = await client.sock.sendMessage(annaJid, { text: 'See you at 10:00' });
  const originalId = original!.key.id;
  await arrived(originalId);
  const targetKey = () => ({ ...original!.key, id: originalId });

  const reaction = await client.sock.sendMessage(annaJid, { react: { text: '👍', key: targetKey() } });
  const reacted = await arrived(reaction?.key.id);
  assert.equal(reacted.stanza.type, 'reaction');
  assert.equal(reacted.message.reactionMessage?.text, '👍');
  assert.equal(reacted.message.reactionMessage?.key?.id, originalId);

  const edit = await client.sock.sendMessage(annaJid, { text: 'See you at 11:00', edit: targetKey() });
  const edited = await arrived(edit?.key.id);
  assert.equal(edited.stanza.edit, '1');
  assert.equal(edited.message.protocolMessage?.type, proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
  assert.equal(edited.message.protocolMessage?.key?.id, originalId);
  assert.equal(edited.message.protocolMessage?.editedMessage?.extendedTextMessage?.text, 'See you at 11:00');

  const revoke = await client.sock.sendMessage(annaJid, { delete: targetKey() });
  const revoked = await arrived(revoke?.key.id);
  assert.equal(revoked.stanza.edit, '7');
  assert.equal(revoked.message.protocolMessage?.type, proto.Message.ProtocolMessage.Type.REVOKE);
  assert.equal(revoked.message.protocolMessage?.key?.id, originalId);
});

test('a forward of a received message is flagged with score 1; forwarding your own is not flagged unless forced', async () => {
  const boris = emulator.addAccount('79005550202');
  const original = await client.sock.sendMessage(annaJid, { text: 'Bring your passport' });
  await arrived(original?.key.id);
  const received = (id: string | null | undefined) => emulator.inbox.waitFor((m) => m.id === id && m.recipient === boris.phone);

  const own = await received((await client.sock.sendMessage(boris.pnJid, { forward: original! }))?.key.id);
  assert.equal(own.message.extendedTextMessage?.text, 'Bring your passport');
  assert.ok(!own.message.extendedTextMessage?.contextInfo?.isForwarded);

  const forced = await received((await client.sock.sendMessage(boris.pnJid, { forward: original!, force: true }))?.key.id);
  assert.equal(forced.message.extendedTextMessage?.text, 'Bring your passport');
  assert.equal(forced.message.extendedTextMessage?.contextInfo?.isForwarded, true);
  assert.equal(forced.message.extendedTextMessage?.contextInfo?.forwardingScore, 1);
});

test("every message is also delivered to the owner's phone, as a device-sent copy filed under the chat", async () => {
  const sent = await client.sock.sendMessage(annaJid, { text: 'copy for my phone' });
  const copy = await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === OWNER);
  assert.equal(copy.chat, annaJid);
  assert.equal(copy.message.conversation ?? copy.message.extendedTextMessage?.text, 'copy for my phone');
});

test('delivery and read receipts on demand move the status the sender sees', async () => {
  let status: number | null | undefined;
  const sent = await client.sock.sendMessage(annaJid, { text: 'Did you get this?' });
  client.sock.ev.on('messages.update', (updates) => {
    for (const { key, update } of updates) if (key.id === sent?.key.id && update.status) status = update.status;
  });
  const received = await arrived(sent?.key.id);
  assert.ok(await sendReceipt(emulator, received, 'delivery'));
  client.flushEvents();
  await client.until(() => status === proto.WebMessageInfo.Status.DELIVERY_ACK, 'delivered status');
  assert.ok(await sendReceipt(emulator, received, 'read'));
  client.flushEvents();
  await client.until(() => status === proto.WebMessageInfo.Status.READ, 'read status');
});

test('a number without WhatsApp is reported as such, and a contact on WhatsApp as present', async () => {
  const [onWhatsApp] = (await client.sock.onWhatsApp(ANNA)) ?? [];
  assert.deepEqual(onWhatsApp, { jid: annaJid, exists: true });
  assert.deepEqual(await client.sock.onWhatsApp('79009999999'), []);
});

test('every query the client made while linking and sending had a real answer', () => {
  assert.deepEqual(emulator.unhandledIqs(), []);
});
