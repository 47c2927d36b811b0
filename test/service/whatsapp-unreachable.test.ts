/**
 * The Baileys engine with WhatsApp out of reach: its URL is a loopback port nobody listens on, so
 * every connection is refused, as when the network or WhatsApp is down.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, openSse } from '../support/http.js';
import { startTestService } from '../support/service.js';
import { eventually } from '../support/eventually.js';
import { unreachableWaUrl } from '../support/whatsapp.js';

test('WhatsApp out of reach: the link page and the log say so and when it retries; a pairing code is refused with WHATSAPP_UNREACHABLE', async () => {
  const service = await startTestService({ engine: 'baileys', waUrl: await unreachableWaUrl() });
  try {
    const { sessionId } = (await service.admin<{ sessionId: string }>('POST', '/v1/sessions')).body;
    const stream = await openSse(`${service.url}/v1/sessions/${sessionId}/link`);
    const unreachable = await stream.next('unreachable', 30_000);
    assert.match(String(unreachable.data.reason), /ECONNREFUSED/);
    assert.ok(Number.isInteger(unreachable.data.retryInMs) && Number(unreachable.data.retryInMs) >= 0, JSON.stringify(unreachable.data));
    assert.ok(!stream.seen.some((event) => event.event === 'qr'));
    stream.close();

    const logged = () => service.log.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.msg.startsWith('cannot reach WhatsApp'));
    await eventually(() => logged() !== undefined, 'the log to say WhatsApp cannot be reached');
    assert.match(logged()!.msg, /^cannot reach WhatsApp \(connect ECONNREFUSED [^)]+\), retrying in \d+(\.\d)? s$/);
    assert.ok(logged()!.level >= 30, 'at info or above');

    const pairing = await call<{ code: string; status: number }>(service.url, 'POST', `/v1/sessions/${sessionId}/pairing-code`, { body: { phone: '+79000000201' } });
    assert.equal(pairing.status, 503, JSON.stringify(pairing.body));
    assert.equal(pairing.body.code, 'WHATSAPP_UNREACHABLE');

    const reopened = await openSse(`${service.url}/v1/sessions/${sessionId}/link`);
    try {
      assert.match(String((await reopened.next('unreachable', 30_000)).data.reason), /ECONNREFUSED/, 'a page opened later is told too');
    } finally {
      reopened.close();
    }
  } finally {
    await service.close();
  }
});
