import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BaileysClient } from './baileys-client.js';
import { scanQr, startEmulator, type WaEmulator } from './index.js';

let emulator: WaEmulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.close());

test('a bare Baileys socket shows a QR, the phone scans it, and the client restarts and opens as that account', async () => {
  const phone = emulator.addAccount('+7 900 111-22-33');
  const client = new BaileysClient(emulator);
  const qr = await client.nextQr();
  assert.match(qr, /^https:\/\/wa\.me\/settings\/linked_devices#2@/);

  const { deviceId } = await scanQr(emulator, '79001112233', qr);
  await client.closedWith(515);
  await client.open();

  assert.equal(client.auth.creds.me?.id, `79001112233:${deviceId}@s.whatsapp.net`);
  assert.equal(client.auth.creds.me?.lid, `${phone.lid}:${deviceId}@lid`);
  assert.ok(client.auth.creds.account?.deviceSignature, 'the client countersigned its identity');
  assert.deepEqual(emulator.unhandledIqs().filter((iq) => iq.startsWith('md') || iq.startsWith('encrypt')), []);
  await client.stop();
});
