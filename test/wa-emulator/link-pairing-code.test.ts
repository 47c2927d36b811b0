import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BaileysClient } from './baileys-client.js';
import { enterPairingCode, startEmulator, type WaEmulator } from './index.js';

let emulator: WaEmulator;
before(async () => {
  emulator = await startEmulator();
  emulator.addAccount('79005550101');
});
after(() => emulator.close());

/** A fresh client that asked for a pairing code for `phone` (as a user does instead of scanning). */
async function clientWithCode(phone: string): Promise<{ client: BaileysClient; code: string }> {
  const client = new BaileysClient(emulator);
  await client.nextQr(); // the unlinked client is registered and waiting
  const code = await client.sock.requestPairingCode(phone);
  return { client, code };
}

test('the phone types the pairing code: the client restarts, opens as that account and sends', async () => {
  const phone = emulator.addAccount('79001112233');
  const { client, code } = await clientWithCode('79001112233');
  assert.match(code, /^[A-Z0-9]{8}$/);

  await enterPairingCode(emulator, '79001112233', code);
  await client.closedWith(515);
  await client.open();
  assert.equal(client.auth.creds.me?.id, `79001112233:${client.deviceId}@s.whatsapp.net`);
  assert.ok(phone.companions.has(client.deviceId));

  const sent = await client.sock.sendMessage('79005550101@s.whatsapp.net', { text: 'linked by code' });
  const received = await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === '79005550101');
  assert.equal(received.message.extendedTextMessage?.text ?? received.message.conversation, 'linked by code');
  await client.stop();
});

test('a wrong code links nothing', async () => {
  const phone = emulator.addAccount('79001112244');
  const { client, code } = await clientWithCode('79001112244');
  const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;

  await assert.rejects(enterPairingCode(emulator, '79001112244', wrong), /pairing failed/);
  assert.equal(phone.companions.size, 0);
  assert.notEqual(client.connection, 'open');
  await client.stop();
});
