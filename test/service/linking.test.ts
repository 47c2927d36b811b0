/**
 * Linking through the service on the sandbox engine: how many sessions may link at once, and what
 * the store says when a session's QR codes run out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSse } from '../support/http.js';
import { startTestService, type TestService } from '../support/service.js';
import { eventually } from '../support/eventually.js';

type Session = { sessionId: string; state: string };

const create = (service: TestService) => service.admin<Session & { code?: string }>('POST', '/v1/sessions');

test('creating a session past CONNECTOR_MAX_LINKING answers RATE_LIMITED; a session that links frees its place', async () => {
  const service = await startTestService({ maxLinking: 2 });
  try {
    const first = await create(service);
    assert.equal(first.status, 201);
    assert.equal((await create(service)).status, 201);
    const refused = await create(service);
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'RATE_LIMITED');
    assert.equal((await service.admin<{ sessions: Session[] }>('GET', '/v1/sessions')).body.sessions.length, 2, 'the refused one was not kept');

    const stream = await openSse(`${service.url}/v1/sessions/${first.body.sessionId}/link`);
    const qr = await stream.next('qr');
    await service.whatsapp.scan(service, first.body.sessionId, '+79000000101', String(qr.data.qr));
    await stream.next('connected');
    stream.close();
    assert.equal((await create(service)).status, 201);
  } finally {
    await service.close();
  }
});

test("when every QR code has run out the stored state is the engine's, failed; the link page opened again links afresh", async () => {
  const service = await startTestService();
  try {
    const { sessionId } = (await create(service)).body;
    const stored = async () => (await service.admin<Session>('GET', `/v1/sessions/${sessionId}`)).body.state;
    // One QR period at a time: each code's timer is set when the code before it expires.
    await eventually(async () => {
      service.clock.advance(20_000);
      return (await stored()) !== 'linking';
    }, 'the store to hear that linking ended');
    assert.equal(service.engine.getSessionStatus(sessionId)?.state, 'failed');
    assert.equal(await stored(), 'failed');

    const stream = await openSse(`${service.url}/v1/sessions/${sessionId}/link`);
    try {
      const qr = await stream.next('qr');
      assert.equal(service.engine.getSessionStatus(sessionId)?.state, 'linking');
      await service.whatsapp.scan(service, sessionId, '+79000000102', String(qr.data.qr));
      assert.match(String((await stream.next('connected')).data.token), /^wac_/);
    } finally {
      stream.close();
    }
  } finally {
    await service.close();
  }
});
