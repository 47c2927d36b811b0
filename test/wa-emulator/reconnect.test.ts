import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Curve, DisconnectReason } from 'baileys';
import { BaileysClient } from './baileys-client.js';
import { logOutDevice, requireRestart, slowLink } from './device-control.js';
import { startEmulator, type WaEmulator } from './index.js';
import { linkedClient } from './linked-client.js';

const OWNER = '79001112233';
let emulator: WaEmulator;
before(async () => {
  emulator = await startEmulator();
  emulator.addAccount('79005550101');
});
after(() => emulator.close());

const textOf = async (id: string | null | undefined) =>
  emulator.inbox.waitFor((m) => m.id === id && m.recipient === '79005550101' && m.device === 0);

test('saved credentials log in again with no QR, and the Signal session carries on', async () => {
  const first = await linkedClient(emulator, OWNER);
  const before = await first.sock.sendMessage('79005550101@s.whatsapp.net', { text: 'before restart' });
  assert.equal((await textOf(before?.key.id)).encryption, 'pkmsg');
  await first.stop();

  const again = new BaileysClient(emulator, first.auth.reloaded());
  await again.open();
  assert.deepEqual(again.qrs, [], 'no QR was shown');
  const after = await again.sock.sendMessage('79005550101@s.whatsapp.net', { text: 'after restart' });
  const received = await textOf(after?.key.id);
  assert.equal(received.message.extendedTextMessage?.text ?? received.message.conversation, 'after restart');
  // The recipient never answered, so Signal keeps sending prekey messages on the same session.
  assert.equal(received.encryption, 'pkmsg');
  await again.stop();
});

test('a login as a linked device but with another Noise key is refused with 401', async () => {
  const stranger = await linkedClient(emulator, '79001112244');
  const auth = stranger.auth.reloaded();
  await stranger.stop();
  auth.creds = { ...auth.creds, noiseKey: Curve.generateKeyPair() };
  const impostor = new BaileysClient(emulator, auth);
  await impostor.closedWith(DisconnectReason.loggedOut);
  assert.notEqual(impostor.connection, 'open');
});

test('the phone logs the device out: the socket closes with 401 and the same credentials are refused later', async () => {
  const client = await linkedClient(emulator, '79001112255');
  const account = emulator.accounts.byPhoneNumber('79001112255')!;
  logOutDevice(emulator, account, client.deviceId);
  await client.closedWith(DisconnectReason.loggedOut);

  const again = new BaileysClient(emulator, client.auth.reloaded());
  await again.closedWith(DisconnectReason.loggedOut);
  assert.notEqual(again.connection, 'open');
});

test('a restart asked by the server (515) reconnects and sending works again', async () => {
  const client = await linkedClient(emulator, '79001112266');
  const account = emulator.accounts.byPhoneNumber('79001112266')!;
  const closesBefore = client.closes.length;
  requireRestart(emulator, account, client.deviceId);
  await client.until(() => client.closes.length > closesBefore && client.connection === 'open', 'reopen after 515');
  assert.equal(client.closes.at(-1)?.statusCode, DisconnectReason.restartRequired);
  const sent = await client.sock.sendMessage('79005550101@s.whatsapp.net', { text: 'after 515' });
  assert.ok(await textOf(sent?.key.id));
  await client.stop();
});

test('over a slow link a send still arrives, after the delayed answers', async () => {
  const client = await linkedClient(emulator, '79001112277');
  slowLink(emulator, emulator.accounts.byPhoneNumber('79001112277')!, client.deviceId, 150);
  const started = Date.now();
  const sent = await client.sock.sendMessage('79005550101@s.whatsapp.net', { text: 'slow' });
  assert.ok(await textOf(sent?.key.id));
  // The first send needs device lists and prekeys from the server: at least one delayed answer.
  assert.ok(Date.now() - started >= 150);
  await client.stop();
});

test('a refused number is reported as not on WhatsApp although it has an account', async () => {
  const client = await linkedClient(emulator, '79001112288');
  emulator.addAccount('79005550999');
  assert.equal((await client.sock.onWhatsApp('79005550999'))?.[0]?.exists, true);
  emulator.faults.refusedNumbers.add('79005550999');
  assert.deepEqual(await client.sock.onWhatsApp('79005550999'), []);
  await client.stop();
});
