import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BaileysClient } from './baileys-client.js';
import { createGroup, startEmulator, type WaEmulator } from './index.js';
import type { EmulatedGroup } from './groups.js';
import { linkedClient } from './linked-client.js';

const OWNER = '79001112233';
const ANNA = '79005550101';
const BORIS = '79005550202';
let emulator: WaEmulator;
let client: BaileysClient;
let group: EmulatedGroup;
/** Sender-key distributions each device decrypted, per message. */
const distributions: { id: string; to: string }[] = [];

before(async () => {
  emulator = await startEmulator();
  emulator.addAccount(ANNA);
  emulator.addAccount(BORIS, { extraDevices: 1 });
  client = await linkedClient(emulator, OWNER);
  group = createGroup(emulator, 'Clinic reminders', [OWNER, ANNA, BORIS]);
  emulator.onDecrypted((account, device, message, meta) => {
    if (message.senderKeyDistributionMessage) distributions.push({ id: meta.id, to: `${account.phone}.${device}` });
  });
});
after(async () => {
  await client.stop();
  await emulator.close();
});

const copiesOf = (id: string | null | undefined) => emulator.inbox.all().filter((m) => m.id === id);
const textOf = (message: { conversation?: string | null; extendedTextMessage?: { text?: string | null } | null }) =>
  message.conversation ?? message.extendedTextMessage?.text;

test('a text to a group is decrypted by every other participant device with sender keys', async () => {
  const sent = await client.sock.sendMessage(group.jid, { text: 'The clinic opens at 9:00 tomorrow' });
  await emulator.acknowledged(sent!.key.id!);

  const copies = copiesOf(sent?.key.id).filter((m) => m.recipient !== OWNER);
  assert.deepEqual(
    copies.map((m) => `${m.recipient}.${m.device}`).sort(),
    [`${ANNA}.0`, `${BORIS}.0`, `${BORIS}.1`],
  );
  for (const copy of copies) {
    assert.equal(copy.chat, group.jid);
    assert.equal(copy.encryption, 'skmsg');
    assert.equal(textOf(copy.message), 'The clinic opens at 9:00 tomorrow');
  }
  const keysDistributed = distributions.filter((d) => d.id === sent?.key.id).map((d) => d.to).sort();
  assert.deepEqual(keysDistributed, [`${OWNER}.0`, `${ANNA}.0`, `${BORIS}.0`, `${BORIS}.1`]);
});

test('the next message reuses the distributed sender keys: no pairwise copies at all', async () => {
  const sent = await client.sock.sendMessage(group.jid, { text: 'Second notice' });
  await emulator.acknowledged(sent!.key.id!);
  assert.equal(copiesOf(sent?.key.id).filter((m) => m.recipient !== OWNER).length, 3);
  assert.deepEqual(distributions.filter((d) => d.id === sent?.key.id), []);
});

test('a reaction in the group arrives at the participants, pointing at the message', async () => {
  const original = await client.sock.sendMessage(group.jid, { text: 'Please confirm' });
  const originalId = original!.key.id;
  await emulator.inbox.waitFor((m) => m.id === originalId && m.recipient === ANNA);
  const reaction = await client.sock.sendMessage(group.jid, { react: { text: '✅', key: { ...original!.key, id: originalId } } });
  const received = await emulator.inbox.waitFor((m) => m.id === reaction?.key.id && m.recipient === ANNA);
  assert.equal(received.chat, group.jid);
  assert.equal(received.message.reactionMessage?.text, '✅');
  assert.equal(received.message.reactionMessage?.key?.id, originalId);
});

test('a group the account is not in cannot be sent to', async () => {
  const other = createGroup(emulator, 'Staff only', [ANNA, BORIS]);
  await assert.rejects(client.sock.sendMessage(other.jid, { text: 'let me in' }));
  assert.deepEqual(emulator.inbox.all().filter((m) => m.chat === other.jid), []);
});
