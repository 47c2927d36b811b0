import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WA_CERT_DETAILS } from 'baileys';
import { systemClock } from '../../src/domain/clock.js';
import { trustRootKey } from '../../src/engines/baileys/index.js';
import { SandboxNetwork, type SandboxEngine } from '../../src/engines/sandbox/index.js';
import { startService } from '../../src/service/server.js';
import { eventually } from '../support/eventually.js';
import { call, openSse } from '../support/http.js';
import { adminKey, linkPhone, startTestService, tempDir } from '../support/service.js';

const anna = '+79001111111';

/** Resolves once the engine starts its next send: the action is then in flight inside the service. */
function sendStarted(engine: SandboxEngine): Promise<void> {
  const send = engine.send.bind(engine);
  let started = false;
  engine.send = (...args) => {
    started = true;
    return send(...args);
  };
  return eventually(() => started, 'the send to start');
}

test('a restart on the same SQLite file keeps sessions, tokens and sent messages, and reconnects without a scan', async () => {
  const dataDir = tempDir();
  const first = await startTestService({ dataDir });
  const { sessionId, token } = await linkPhone(first, '+79000000001');
  const sent = await call<{ id: string }>(first.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'Before the restart' } });
  assert.equal(sent.status, 200);
  await first.close();

  const second = await startTestService({ dataDir });
  try {
    assert.equal(second.restoredSessions, 1);
    const session = await second.admin<{ state: string; phone: string }>('GET', `/v1/sessions/${sessionId}`);
    assert.equal(session.body.state, 'connected');
    assert.equal(session.body.phone, '+79000000001');
    const message = await call<{ id: string; status: string }>(second.url, 'GET', `/v1/messages/${sent.body.id}`, { token });
    assert.equal(message.status, 200);
    assert.equal(message.body.id, sent.body.id);
    const after = await call(second.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'After the restart' } });
    assert.equal(after.status, 200, 'the token still works and the session is connected');
  } finally {
    await second.close();
  }
});

test('the first start generates an admin key, stores only its hash and keeps it on the next start', async () => {
  const dataDir = tempDir();
  const first = await startTestService({ dataDir, adminKey: undefined });
  assert.equal(first.adminKeyGenerated, true);
  const key = first.adminKey as string;
  assert.match(key, /^wak_/);
  await first.close();

  const second = await startTestService({ dataDir, adminKey: undefined });
  try {
    assert.equal(second.adminKeyGenerated, false);
    assert.equal(second.adminKey, undefined);
    assert.equal((await call(second.url, 'GET', '/v1/sessions', { token: key })).status, 200);
    assert.equal((await call(second.url, 'GET', '/v1/sessions', { token: adminKey })).status, 401);
  } finally {
    await second.close();
  }
});

test('on shutdown an in-flight action finishes before the service stops', async () => {
  const network = new SandboxNetwork({ clock: systemClock, openRegistration: true });
  const service = await startService({
    clock: systemClock,
    network,
    config: { port: 0, host: '127.0.0.1', engine: 'sandbox', databaseUrl: 'sqlite::memory:', dataDir: tempDir(), adminKey, secretKey: 'x'.repeat(32), logLevel: 'silent' },
  });
  const token = await linkAndToken(service.url, service.sandbox!);
  service.sandbox!.sendDelayMs = 300;
  const started = sendStarted(service.sandbox!);
  const pending = call(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'In flight' } });
  await started;
  await service.close();
  const reply = await pending;
  assert.equal(reply.status, 200);
  assert.equal(network.messagesSeenBy(anna).length, 1);
});

test('on shutdown an action still running after the grace period is answered SHUTTING_DOWN, unsent (it stays queued for the next start)', async () => {
  const network = new SandboxNetwork({ clock: systemClock, openRegistration: true });
  const service = await startService({
    clock: systemClock,
    network,
    config: { port: 0, host: '127.0.0.1', engine: 'sandbox', databaseUrl: 'sqlite::memory:', dataDir: tempDir(), adminKey, secretKey: 'x'.repeat(32), logLevel: 'silent', shutdownGraceMs: 50 },
  });
  const token = await linkAndToken(service.url, service.sandbox!);
  service.sandbox!.sendDelayMs = 5_000;
  const started = sendStarted(service.sandbox!);
  const pending = call<{ code: string }>(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'Too slow' } });
  await started;
  await service.close();
  const reply = await pending;
  assert.equal(reply.status, 503);
  assert.equal(reply.body.code, 'SHUTTING_DOWN');
  assert.deepEqual(network.messagesSeenBy(anna), []);
});

test('a start that fails (its port is taken) gives back the test root key it trusted', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  const testRoot = randomBytes(32);
  try {
    await assert.rejects(
      startService({
        clock: systemClock,
        config: { port, host: '127.0.0.1', engine: 'baileys', waRootKey: testRoot, databaseUrl: 'sqlite::memory:', dataDir: tempDir(), adminKey, secretKey: 'x'.repeat(32), logLevel: 'silent' },
      }),
      /EADDRINUSE/,
    );
    assert.notDeepEqual(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY), testRoot, "WhatsApp's own root is trusted again");
    trustRootKey(randomBytes(32))();
  } finally {
    taken.close();
  }
});

async function linkAndToken(url: string, engine: { scan(sessionId: string, phone: string): unknown }): Promise<string> {
  const created = await call<{ sessionId: string }>(url, 'POST', '/v1/sessions', { token: adminKey, body: {} });
  const stream = await openSse(`${url}/v1/sessions/${created.body.sessionId}/link`);
  await stream.next('qr');
  engine.scan(created.body.sessionId, '+79000000001');
  const connected = await stream.next('connected');
  stream.close();
  return connected.data.token as string;
}
