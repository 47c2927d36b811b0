import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliEnvironment, servedAt, spawnCli } from '../support/cli.js';
import { call } from '../support/http.js';
import { openRaw } from '../support/raw-http.js';
import { adminKey, linkPhone, startTestService, tempDir } from '../support/service.js';

/** An admin request whose body never comes: headers say 1000 bytes, 9 arrive. */
const halfSentSession = `POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"label":`;

/** The service logged (at debug) that a request to `path` came in. */
const arrived = (log: string[], path: string) => log.some((line) => line.includes('incoming request') && line.includes(`"url":"${path}"`));

async function until(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('closing finishes after the grace even while a client holds a request half-sent, and drops that connection', { timeout: 60_000 }, async () => {
  // The body timeout is far away: only the shutdown can end this request.
  const service = await startTestService({ shutdownGraceMs: 300, bodyTimeoutMs: 120_000, logLevel: 'debug' });
  const raw = await openRaw(service.url);
  raw.write(halfSentSession);
  await until(() => arrived(service.log, '/v1/sessions'), 'the request reaching the service');
  await service.close();
  await raw.closed;
});

test('a request arriving on an open connection while the service shuts down is SHUTTING_DOWN (503)', { timeout: 60_000 }, async () => {
  const service = await startTestService({ shutdownGraceMs: 30_000, logLevel: 'debug' });
  const { token } = await linkPhone(service, '+79000000001');
  service.sandbox!.sendDelayMs = 1_500;
  const inFlight = call(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: '+79001111111', text: 'Keeps the shutdown waiting' } });
  const late = await openRaw(service.url);
  late.write('GET /v1/sessions HTTP/1.1\r\nHost: x\r\n');
  await until(() => arrived(service.log, '/v1/actions/sendMessage'), 'the action being in flight');
  const closing = service.close();
  await until(() => !service.app.server.listening, 'the service to stop listening');
  late.write(`Authorization: Bearer ${adminKey}\r\n\r\n`);
  const reply = await late.response();
  assert.equal(reply.status, 503, reply.body);
  assert.match(reply.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.equal(reply.json?.code, 'SHUTTING_DOWN');
  await late.closed;
  // On a busy machine the send may not have reached its (clock-timed) delay yet: move time on until it ends.
  let answered = false;
  const finished = inFlight.finally(() => (answered = true));
  while (!answered) {
    service.clock.advance(1_500);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal((await finished).status, 200, 'the action in flight still finishes');
  await closing;
});

test('on SIGTERM the process exits after the grace although a client holds a request half-sent', { timeout: 90_000 }, async () => {
  const graceMs = 1_000;
  const service = spawnCli(
    ['serve'],
    cliEnvironment({
      PORT: '0',
      HOST: '127.0.0.1',
      CONNECTOR_ENGINE: 'sandbox',
      CONNECTOR_DATA_DIR: tempDir(),
      CONNECTOR_ADMIN_KEY: adminKey,
      CONNECTOR_SHUTDOWN_GRACE_MS: String(graceMs),
      CONNECTOR_BODY_TIMEOUT_MS: '120000',
      LOG_LEVEL: 'debug',
    }),
  );
  const { child } = service;
  try {
    const url = await servedAt(service);
    const raw = await openRaw(url);
    raw.write(halfSentSession);
    await until(() => arrived(service.stdout().split('\n'), '/v1/sessions'), 'the request reaching the service');

    const signalled = performance.now();
    child.kill('SIGTERM');
    const code = await service.exited;
    const tookMs = performance.now() - signalled;
    assert.equal(code, 0, `a clean exit, not the last-resort one; stderr: ${service.stderr()}`);
    assert.ok(tookMs >= graceMs - 50, `the half-sent request had its grace (${Math.round(tookMs)} ms)`);
    await raw.closed;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
