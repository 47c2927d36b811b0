import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { DisconnectReason, proto } from 'baileys';
import { BaileysClient } from './baileys-client.js';
import { startControlApi, type ControlApi, type InboxEntry } from './control-api.js';
import { startEmulator, type WaEmulator } from './index.js';
import { waitLimitMs } from '../support/eventually.js';

const OWNER = '79001112233';
const ANNA = '79005550101';
const annaJid = `${ANNA}@s.whatsapp.net`;

let emulator: WaEmulator;
let control: ControlApi;
let client: BaileysClient | undefined;
before(async () => {
  emulator = await startEmulator();
  control = await startControlApi(emulator);
});
after(async () => {
  await client?.stop();
  await control.close();
  await emulator.close();
});

/** Calls the control API as a script would: JSON in, status and JSON out. */
async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, base = control.url) {
  const response = await fetch(`${base}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

/** The linked client of the owner, set up by the scan test that the later tests build on. */
const owner = () => {
  if (!client) throw new Error('the owner was never linked');
  return client;
};

test('POST /accounts adds a contact and answers its phone number and LID', async () => {
  const { status, body } = await call('POST', '/accounts', { phone: '+7 900 555-01-01', name: 'Anna' });
  const anna = emulator.accounts.byPhoneNumber(ANNA);
  assert.equal(status, 200);
  assert.deepEqual(body, { phone: ANNA, lid: anna?.lid });
  assert.equal(anna?.name, 'Anna');
});

test('POST /scan with the QR the client shows links it, and the client opens as that phone', async () => {
  client = new BaileysClient(emulator);
  const { status, body } = await call('POST', '/scan', { phone: OWNER, qr: await client.nextQr() });
  assert.equal(status, 200);
  await client.closedWith(DisconnectReason.restartRequired);
  await client.open();
  assert.deepEqual(body, { deviceId: client.deviceId });
  assert.equal(client.auth.creds.me?.id, `${OWNER}:${client.deviceId}@s.whatsapp.net`);
});

test('GET /inbox shows a text the client sent, as JSON with bytes in base64', async () => {
  const sent = await owner().sock.sendMessage(annaJid, { text: 'Hello from staging' });
  await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA && m.device === 0);

  const response = await fetch(`${control.url}/inbox?phone=${ANNA}`);
  assert.equal(response.status, 200);
  const raw = await response.text();
  assert.doesNotMatch(raw, /"type":"Buffer"|"data":\[/, 'no buffer is spelled out as an array of numbers');
  const entry = (JSON.parse(raw) as { messages: InboxEntry[] }).messages.find((m) => m.id === sent?.key.id);
  assert.ok(entry, 'the text is in the inbox');
  assert.equal(entry.chat, `${OWNER}@s.whatsapp.net`);
  assert.equal(entry.sender, `${OWNER}:${owner().deviceId}@s.whatsapp.net`);
  const message = entry.message as { conversation?: string; extendedTextMessage?: { text?: string }; messageContextInfo?: { messageSecret?: unknown } };
  assert.equal(message.conversation ?? message.extendedTextMessage?.text, 'Hello from staging');
  // Baileys gives every message a 32-byte secret: the one bytes field a text always has.
  const secret = message.messageContextInfo?.messageSecret;
  assert.equal(typeof secret, 'string');
  assert.equal(Buffer.from(secret as string, 'base64').length, 32);
});

/**
 * Follows the status the sender sees for message `id`. Baileys reports a receipt as a
 * `messages.update`, unless its event buffer still holds the sent message's own upsert: then the
 * status is merged into that upsert and no update is emitted at all.
 */
function followStatus(sock: BaileysClient['sock'], id: string): { status: number | null | undefined } {
  const seen: { status: number | null | undefined } = { status: undefined };
  sock.ev.on('messages.update', (updates) => {
    for (const { key, update } of updates) if (key.id === id && update.status) seen.status = update.status;
  });
  sock.ev.on('messages.upsert', ({ messages }) => {
    for (const message of messages) if (message.key.id === id && message.status) seen.status = message.status;
  });
  return seen;
}

test('POST /receipts makes every recipient report the message delivered, then read', async () => {
  const { sock } = owner();
  const sent = await sock.sendMessage(annaJid, { text: 'Did you get this?' });
  const seen = followStatus(sock, sent!.key.id!);
  await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA && m.device === 0);

  const delivered = await call('POST', '/receipts', { id: sent?.key.id, type: 'delivery' });
  // Only Anna: the copy on the owner's own phone is not a recipient's.
  assert.deepEqual(delivered, { status: 200, body: { receipts: [{ phone: ANNA, sent: true }] } });
  owner().flushEvents();
  await owner().until(() => seen.status === proto.WebMessageInfo.Status.DELIVERY_ACK, 'delivered status');

  assert.equal((await call('POST', '/receipts', { id: sent?.key.id, type: 'read' })).status, 200);
  owner().flushEvents();
  await owner().until(() => seen.status === proto.WebMessageInfo.Status.READ, 'read status');
});

test('POST /pairing-code links a client that asked for a code, and POST /drop cuts its socket', async () => {
  const phone = '79001112244';
  const coded = new BaileysClient(emulator);
  try {
    await coded.nextQr(); // registered and waiting, as a user is before choosing "link with phone number"
    const code = await coded.sock.requestPairingCode(phone);
    const linked = await call('POST', '/pairing-code', { phone, code });
    assert.equal(linked.status, 200);
    await coded.closedWith(DisconnectReason.restartRequired);
    await coded.open();
    assert.deepEqual(linked.body, { deviceId: coded.deviceId });

    const closesBefore = coded.closes.length;
    assert.deepEqual(await call('POST', '/drop', { phone }), { status: 200, body: { dropped: [coded.deviceId] } });
    await coded.until(() => coded.closes.length > closesBefore, 'the socket closed');
    assert.notEqual(coded.closes.at(-1)?.statusCode, DisconnectReason.loggedOut, 'a drop is not a logout');
  } finally {
    await coded.stop();
  }
});

test('POST /logout removes the linked device: the client closes with 401', async () => {
  const deviceId = owner().deviceId;
  assert.deepEqual(await call('POST', '/logout', { phone: OWNER }), { status: 200, body: { loggedOut: [deviceId] } });
  await owner().closedWith(DisconnectReason.loggedOut);
  assert.equal(emulator.accounts.byPhoneNumber(OWNER)?.companions.get(deviceId)?.loggedOut, true);
});

test('bad input is a 400 and an unknown route or thing a 404, each with { error }', async () => {
  const refusals: [number, string, string, unknown][] = [
    [400, 'POST', '/accounts', {}],
    [400, 'POST', '/accounts', { phone: 'no digits' }],
    [400, 'POST', '/accounts', { phone: ANNA, name: 7 }],
    [400, 'POST', '/scan', { phone: OWNER }],
    [400, 'POST', '/scan', { phone: OWNER, qr: 'https://wa.me/settings/linked_devices#2@gone,AAAA,AAAA,AAAA' }],
    [400, 'POST', '/receipts', { id: 'X', type: 'seen' }],
    [404, 'POST', '/receipts', { id: 'never-sent', type: 'read' }],
    [404, 'POST', '/logout', { phone: '79000000000' }],
    [404, 'POST', '/logout', { phone: OWNER, deviceId: 99 }],
    [400, 'GET', '/inbox', undefined],
    [404, 'GET', '/inbox?phone=79000000000', undefined],
    [404, 'GET', '/overlaps?phone=79000000000', undefined],
    [404, 'GET', '/nowhere', undefined],
    [404, 'DELETE', '/accounts', undefined],
  ];
  for (const [status, method, path, body] of refusals) {
    const answer = await call<{ error?: unknown }>(method, path, body);
    assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
    assert.equal(typeof answer.body.error, 'string', `${method} ${path} explains itself`);
  }

  const notJson = await fetch(`${control.url}/accounts`, { method: 'POST', body: '{"phone":' });
  assert.equal(notJson.status, 400);
  assert.deepEqual(await notJson.json(), { error: 'the body is not valid JSON' });
});

/** A port that was free a moment ago, to prove the fixed-port settings. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('npm run emulator: prints where it listens, obeys its control URL, and ends with 0 on SIGTERM', async () => {
  const wsPort = await freePort();
  let controlPort = await freePort();
  while (controlPort === wsPort) controlPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/wa-emulator/standalone.ts'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    // Without the runner's NODE_TEST_CONTEXT, which would make the child report to it as a test file.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, WA_EMULATOR_PORT: String(wsPort), WA_EMULATOR_CONTROL_PORT: String(controlPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line after ${waitLimitMs} ms; stdout: ${stdout} stderr: ${stderr}`)), waitLimitMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/npm start\n/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(({ code }) => reject(new Error(`exited early with ${code}; stderr: ${stderr}`)));
    });

    const printed = (label: string) => new RegExp(`^${label}:\\s+(\\S+)$`, 'm').exec(stdout)?.[1] ?? assert.fail(`no "${label}" line in:\n${stdout}`);
    const url = printed('WebSocket URL');
    const rootKey = printed('Root public key');
    const controlUrl = printed('Control URL');
    const pem = printed('Media CA \\(PEM\\)');
    assert.equal(url, `ws://127.0.0.1:${wsPort}/ws/chat`);
    assert.equal(Buffer.from(rootKey, 'base64').length, 32);
    assert.equal(controlUrl, `http://127.0.0.1:${controlPort}`);
    assert.match(readFileSync(pem, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    assert.ok(
      stdout.includes(
        `CONNECTOR_ENGINE=baileys CONNECTOR_WA_URL=${url} CONNECTOR_WA_ROOT_KEY=${rootKey} CONNECTOR_TRUST_TEST_ROOT=1 NODE_EXTRA_CA_CERTS=${pem} npm start\n`,
      ),
      stdout,
    );

    const added = await call<{ phone?: string; lid?: string }>('POST', '/accounts', { phone: ANNA }, controlUrl);
    assert.equal(added.status, 200);
    assert.equal(added.body.phone, ANNA);
    assert.match(added.body.lid ?? '', /^\d+$/);

    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
    assert.equal(existsSync(pem), false, 'the certificate file is removed on exit');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
