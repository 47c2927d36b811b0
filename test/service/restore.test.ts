import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { encrypt } from '../../src/service/secrets.js';
import { openDatabase } from '../../src/store/index.js';
import { call, openSse } from '../support/http.js';
import { linkPhone, startTestService, tempDir } from '../support/service.js';

const anna = '+79001111111';

type SessionBody = { state: string; engine: string | null; reason: string | null };

test('a data folder used by the sandbox, then started with Baileys: the start warns and skips the sandbox session, whose actions answer SESSION_OTHER_ENGINE', async () => {
  const dataDir = tempDir();
  const sandbox = await startTestService({ dataDir });
  const { sessionId, token } = await linkPhone(sandbox, '+79000000001');
  assert.equal((await sandbox.admin<SessionBody>('GET', `/v1/sessions/${sessionId}`)).body.engine, 'sandbox');
  await sandbox.close();

  const baileys = await startTestService({ dataDir, engine: 'baileys' });
  try {
    assert.equal(baileys.restoredSessions, 0);
    const warning = baileys.log.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.level === 40 && line.msg.includes(sessionId));
    assert.ok(warning, 'one warning names the session');
    assert.match(warning.msg, new RegExp(`${sessionId} \\(sandbox\\)`));

    const session = await baileys.admin<SessionBody>('GET', `/v1/sessions/${sessionId}`);
    assert.equal(session.body.engine, 'sandbox');
    assert.match(String(session.body.reason), /linked by the sandbox engine; this service runs baileys/);
    assert.equal(session.body.state, 'connected', 'its state is kept for the engine that owns it');

    const refused = await call<{ code: string; detail: string }>(baileys.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'x' } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'SESSION_OTHER_ENGINE');
    assert.match(refused.body.detail, /CONNECTOR_ENGINE=sandbox/);
    await assert.rejects(openSse(`${baileys.url}/v1/sessions/${sessionId}/link`), /409/, 'the link page does not start linking it anew');
  } finally {
    await baileys.close();
  }

  const back = await startTestService({ dataDir });
  try {
    assert.equal(back.restoredSessions, 1, 'the sandbox takes its session back');
    const sent = await call(back.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'Back on the sandbox' } });
    assert.equal(sent.status, 200);
  } finally {
    await back.close();
  }
});

test('a session whose credentials cannot be decrypted is marked failed with the reason; the service starts and serves the others', async () => {
  const dataDir = tempDir();
  const first = await startTestService({ dataDir });
  const broken = await linkPhone(first, '+79000000001');
  const healthy = await linkPhone(first, '+79000000002');
  await first.close();

  // Sealed under another key, as after CONNECTOR_SECRET_KEY changed for one restored backup.
  const store = await openDatabase(`sqlite:${join(dataDir, 'connector.db')}`);
  await store.authState.set(broken.sessionId, { jid: encrypt(randomBytes(32), '79000000001@s.whatsapp.net') });
  await store.close();

  const second = await startTestService({ dataDir });
  try {
    assert.equal(second.restoredSessions, 1);
    const failed = await second.admin<SessionBody>('GET', `/v1/sessions/${broken.sessionId}`);
    assert.equal(failed.body.state, 'failed');
    assert.match(String(failed.body.reason), /cannot be decrypted/);
    const logged = second.log.map((line) => JSON.parse(line) as { level: number; msg: string; sessionId?: string }).find((line) => line.level === 50 && line.sessionId === broken.sessionId);
    assert.match(String(logged?.msg), /failed to start: .*cannot be decrypted/);

    const refused = await call<{ code: string; detail: string }>(second.url, 'POST', '/v1/actions/sendMessage', { token: broken.token, body: { chat: anna, text: 'x' } });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'SESSION_NOT_CONNECTED');
    assert.match(refused.body.detail, /failed to start/);
    const served = await call(second.url, 'POST', '/v1/actions/sendMessage', { token: healthy.token, body: { chat: anna, text: 'Still here' } });
    assert.equal(served.status, 200);
    assert.equal((await second.admin<SessionBody>('GET', `/v1/sessions/${healthy.sessionId}`)).body.state, 'connected');
  } finally {
    await second.close();
  }
});
