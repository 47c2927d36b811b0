/**
 * What a bare Baileys 7.0.0-rc14 socket does when the connection fails during a send. The engine
 * builds on these findings:
 * - `sendMessage` resolves as soon as the stanza is written; it never waits for the server's ack,
 *   so a send whose socket dropped before the ack looks like a success. A good ack raises no
 *   event either (only an ack carrying an error does); it can be read off the socket
 *   (`CB:ack,class:message`).
 * - Baileys keeps no outbox: after reconnecting it does not resend. A stanza lost before the
 *   server took it is lost; one taken but not acked was delivered once.
 * - Sending the same message id again delivers it again; the recipient's phone decrypts it and
 *   shows it once (a phone names a message by chat, sender and id). So a resend under the same id
 *   is the safe answer to a send that was never acked.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BaileysClient } from './baileys-client.js';
import { startEmulator, type WaEmulator } from './index.js';
import { linkedClient } from './linked-client.js';

const ANNA = '79005550101';
const annaJid = `${ANNA}@s.whatsapp.net`;
let emulator: WaEmulator;
before(async () => {
  emulator = await startEmulator();
  emulator.addAccount(ANNA);
});
after(() => emulator.close());

const copiesAtAnna = (id: string | null | undefined) => emulator.inbox.of(ANNA).filter((m) => m.id === id).length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Sends once after warming the Signal session, with the given fault armed for the real send. */
async function sendThroughFault(owner: string, arm: () => void) {
  const client = await linkedClient(emulator, owner);
  const warm = await client.sock.sendMessage(annaJid, { text: 'warm-up' });
  await emulator.acknowledged(warm!.key.id!);
  arm();
  const closesBefore = client.closes.length;
  const outcome = await client.sock.sendMessage(annaJid, { text: 'Your appointment is tomorrow' }).then(
    (message) => ({ resolved: true as const, message }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  await client.until(() => client.closes.length > closesBefore, 'the dropped socket to close');
  await settle();
  return { client, outcome };
}

test('socket dropped after recipients got the message but before the ack: sendMessage resolved, delivered once, never resent', async () => {
  const { client, outcome } = await sendThroughFault('79001112233', () => emulator.faults.dropOnNextMessage('after-delivery'));
  assert.equal(outcome.resolved, true);
  const id = outcome.resolved ? outcome.message?.key.id : undefined;
  assert.equal(copiesAtAnna(id), 1);
  assert.ok(!client.serverAcks.has(id!), 'the client never saw a server ack');

  const again = new BaileysClient(emulator, client.auth.reloaded());
  await again.open();
  await settle();
  assert.equal(copiesAtAnna(id), 1, 'not resent after reconnecting');

  // Resending under the same id reaches the recipient's phone again, which shows it once.
  await again.sock.sendMessage(annaJid, { text: 'Your appointment is tomorrow' }, { messageId: id! });
  const decryptions = () => emulator.inbox.all().filter((m) => m.id === id && m.recipient === ANNA && m.device === 0).length;
  await emulator.inbox.waitFor(() => decryptions() === 2);
  assert.equal(copiesAtAnna(id), 1);
  await again.stop();
});

test('socket dropped before the server took the message: sendMessage still resolved, and the message is lost', async () => {
  const { client, outcome } = await sendThroughFault('79001112244', () => emulator.faults.dropOnNextMessage('before-delivery'));
  assert.equal(outcome.resolved, true);
  const id = outcome.resolved ? outcome.message?.key.id : undefined;
  assert.equal(copiesAtAnna(id), 0);

  const again = new BaileysClient(emulator, client.auth.reloaded());
  await again.open();
  await settle();
  assert.equal(copiesAtAnna(id), 0, 'Baileys keeps no outbox: nothing is resent');
  await again.stop();
});

test('a withheld ack leaves the message delivered but never acknowledged to the sender', async () => {
  const client = await linkedClient(emulator, '79001112255');
  let status: number | null | undefined;
  emulator.faults.withholdAcks = true;
  try {
    const sent = await client.sock.sendMessage(annaJid, { text: 'no ack for this' });
    client.sock.ev.on('messages.update', (updates) => {
      for (const { key, update } of updates) if (key.id === sent?.key.id && update.status) status = update.status;
    });
    await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA);
    await settle();
    client.flushEvents();
    assert.equal(status, undefined, 'no status change');
    assert.ok(!client.serverAcks.has(sent!.key.id!), 'no ack reached the client');
  } finally {
    emulator.faults.withholdAcks = false;
    await client.stop();
  }
});

test('a delayed ack arrives later and the message still counts as sent once', async () => {
  const client = await linkedClient(emulator, '79001112266');
  emulator.faults.ackDelayMs = 300;
  try {
    const sent = await client.sock.sendMessage(annaJid, { text: 'slow ack' });
    assert.ok(!client.serverAcks.has(sent!.key.id!), 'sendMessage resolved before the ack');
    await client.until(() => client.serverAcks.has(sent!.key.id!), 'the delayed ack');
    assert.equal(copiesAtAnna(sent?.key.id), 1);
  } finally {
    emulator.faults.ackDelayMs = 0;
    await client.stop();
  }
});
