/**
 * A second login of the same linked device, as two connector nodes sharing one credential store
 * would make it: WhatsApp keeps the newer socket and replaces the earlier one with
 * `<stream:error><conflict type="replaced"/></stream:error>`. The emulator counts, per device,
 * how long two logged-in sockets were open at once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { BaileysEngine } from '../../src/engines/baileys/index.js';
import type { EngineEvent } from '../../src/engines/engine.js';
import { MemoryCredentialStore } from '../../src/engines/memory-credentials.js';
import { BaileysClient } from './baileys-client.js';
import { startControlApi, type ControlApi } from './control-api.js';
import type { DeviceOverlap } from './device-sockets.js';
import { scanQr, startEmulator, trustEmulatorRoot, type WaEmulator } from './index.js';
import { linkedClient } from './linked-client.js';
import { eventually } from '../support/eventually.js';

const ANNA = '79005550101';
const annaJid = `${ANNA}@s.whatsapp.net`;
let emulator: WaEmulator;
let control: ControlApi;
before(async () => {
  emulator = await startEmulator();
  emulator.addAccount(ANNA);
  control = await startControlApi(emulator);
  trustEmulatorRoot(emulator.rootPublicKey);
});
after(async () => {
  await control.close();
  await emulator.close();
});

/** One connector node: a Baileys engine against the emulator, and every event it emitted. */
function node(credentials: MemoryCredentialStore) {
  const engine = new BaileysEngine({ credentials, url: emulator.url, pace: { intervalMs: 0 } });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  const stateOf = (sessionId: string) => engine.getSessionStatus(sessionId)?.state;
  const qr = () => events.flatMap((event) => (event.type === 'qr' ? [event.qr] : [])).at(-1);
  return { engine, events, stateOf, qr };
}

/** Sends a text through `engine` and answers the text Anna's phone decrypted. */
async function sendToAnna(engine: BaileysEngine, sessionId: string, text: string): Promise<string | null | undefined> {
  const messageId = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
  await engine.send(sessionId, { type: 'text', chat: annaJid, text }, { messageId });
  const { message } = await emulator.inbox.waitFor((m) => m.id === messageId && m.recipient === ANNA && m.device === 0);
  return message.extendedTextMessage?.text ?? message.conversation;
}

const deviceOf = (phone: string) => {
  const account = emulator.accounts.byPhoneNumber(phone)!;
  return { account, deviceId: Math.max(...account.companions.keys()) };
};

test('a second login of the device replaces the first socket: that session stops for good, the new one sends, one short overlap', async () => {
  const phone = '79001113301';
  const sessionId = 'ses_replaced';
  emulator.addAccount(phone);
  const credentials = new MemoryCredentialStore();
  const first = node(credentials);
  const second = node(credentials);
  try {
    await first.engine.startSession(sessionId);
    await eventually(() => first.qr() !== undefined, 'a QR code on the first node');
    await scanQr(emulator, phone, first.qr()!);
    await eventually(() => first.stateOf(sessionId) === 'connected', 'the first node connected');
    assert.equal(await sendToAnna(first.engine, sessionId, 'from the first node'), 'from the first node');
    const { account, deviceId } = deviceOf(phone);
    assert.deepEqual(emulator.overlapOf(account, deviceId), { device: account.deviceJid(deviceId), open: 1, overlaps: 0, overlapMs: 0 });
    const firstEvents = first.events.length;

    // The second node logs in with the same saved device while the first socket is still open.
    const takeoverStarted = performance.now();
    await second.engine.startSession(sessionId);
    assert.equal(second.stateOf(sessionId), 'reconnecting', 'the saved device logs in, no new link');
    await eventually(() => second.stateOf(sessionId) === 'connected', 'the second node connected');
    await eventually(() => first.stateOf(sessionId) === 'stopped', 'the first node stopped');
    await eventually(() => emulator.overlapOf(account, deviceId).open === 1, "the first socket's TCP close");
    const takeoverMs = performance.now() - takeoverStarted;

    assert.deepEqual(first.events.slice(firstEvents), [{ type: 'state', sessionId, state: 'stopped', reason: 'replaced' }], 'stopped, with no reconnect and no logout');
    assert.ok((await credentials.load(sessionId)).creds, 'the credentials are kept');
    assert.equal(emulator.accounts.byPhoneNumber(phone)!.companions.size, 1, 'no new link either');

    assert.equal(await sendToAnna(second.engine, sessionId, 'from the second node'), 'from the second node');
    // Had the first node reconnected meanwhile, it would have replaced the second in turn: a second overlap.
    assert.equal(first.stateOf(sessionId), 'stopped');
    assert.equal(second.stateOf(sessionId), 'connected');
    const overlap = emulator.overlapOf(account, deviceId);
    assert.deepEqual({ ...overlap, overlapMs: 0 }, { device: account.deviceJid(deviceId), open: 1, overlaps: 1, overlapMs: 0 });
    // From the second login's success to the first socket's close: inside the takeover, never longer.
    assert.ok(overlap.overlapMs > 0 && overlap.overlapMs < takeoverMs, `overlap ${overlap.overlapMs} ms within the takeover's ${takeoverMs} ms`);

    const answer = await fetch(`${control.url}/overlaps?phone=${phone}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { devices: [overlap] });
  } finally {
    await first.engine.close();
    await second.engine.close();
  }
});

test('a reconnect after the socket closed is no overlap', async () => {
  const client = await linkedClient(emulator, '79001113302');
  const { account, deviceId } = deviceOf('79001113302');
  await client.stop();
  await eventually(() => emulator.overlapOf(account, deviceId).open === 0, "the socket's TCP close");

  const again = new BaileysClient(emulator, client.auth.reloaded());
  try {
    await again.open();
    assert.deepEqual(emulator.overlapOf(account, deviceId), { device: account.deviceJid(deviceId), open: 1, overlaps: 0, overlapMs: 0 });
  } finally {
    await again.stop();
  }
});

test('GET /overlaps lists every device that logged in; an unknown phone is a 404', async () => {
  const { devices } = (await (await fetch(`${control.url}/overlaps`)).json()) as { devices: DeviceOverlap[] };
  const overlapsOf = (phone: string) => devices.filter((d) => d.device.startsWith(`${phone}:`)).map((d) => d.overlaps);
  assert.deepEqual(overlapsOf('79001113301'), [1]);
  assert.deepEqual(overlapsOf('79001113302'), [0]);
  const unknown = await fetch(`${control.url}/overlaps?phone=79000000000`);
  assert.equal(unknown.status, 404);
});
