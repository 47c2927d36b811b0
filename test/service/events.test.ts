// Events as a user of the service meets them, on the sandbox engine: webhooks signed per the
// Standard Webhooks convention (verified with the standardwebhooks package), delivered once each by
// id, in each chat's order through an endpoint that fails and goes away; the deliveries view; the
// event stream resuming from Last-Event-ID.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/domain/clock.js';
import { readServerSentEvents, type ServerSentEvent } from '../../src/service/sse-reader.js';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const clinic = '+79000000001';
const anna = '+79001111111';
const boris = '+79002222222';

let service: TestService;
let receiver: WebhookReceiver;
let token: string;
let sessionId: string;

before(async () => {
  receiver = await new WebhookReceiver().start();
  service = await startTestService({ allowPrivateUrls: true, webhookRetryFirstMs: 50, webhookTimeoutMs: 2_000 }, systemClock as never);
  ({ token, sessionId } = await linkPhone(service, clinic));
});
after(async () => {
  await service?.close();
  await receiver?.stop();
});

/** A client writes to the clinic from their own phone. */
function write(from: string, text: string): string {
  return service.sandbox!.network.phone(from)!.sendText(clinic, text).id;
}

async function addWebhook(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await service.admin<{ id: string; secret: string }>('POST', '/v1/webhooks', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

describe('webhooks', () => {
  test('each event arrives once, signed: a received message, its receipt, in the shapes of the document', async () => {
    const hook = await addWebhook({ url: receiver.url, sessionId });
    assert.match(hook.secret, /^whsec_/);
    const id = write(anna, 'Can I come at 12?');
    const sent = await call<{ id: string }>(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: anna, text: 'Yes, see you at 12', replyTo: id } });
    assert.equal(sent.status, 200);
    service.sandbox!.network.read(sent.body.id);
    await eventually(() => receiver.delivered(hook.secret).some((event) => event.type === 'message.status' && event.data.status === 'read'), 'the read receipt');
    const events = receiver.delivered(hook.secret);
    const received = events.filter((event) => event.type === 'message.received');
    assert.equal(received.length, 1);
    assert.equal(received[0]!.sessionId, sessionId);
    assert.deepEqual(received[0]!.data.content, { kind: 'text', text: 'Can I come at 12?' });
    assert.equal((received[0]!.data.sender as { phone: string }).phone, anna);
    const statuses = events.filter((event) => event.type === 'message.status').map((event) => [(event.data.message as { id: string }).id, event.data.status]);
    assert.deepEqual(statuses, [[sent.body.id, 'sent'], [sent.body.id, 'read']]);

    // A send that fails is a `failed` status with the error's code.
    service.sandbox!.network.addPhone('+79009999999', { onWhatsApp: false });
    const refused = await call<{ id: string }>(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: '+79009999999', text: 'Hello?' }, headers: { prefer: 'respond-async' } });
    assert.equal(refused.status, 202);
    await eventually(() => receiver.delivered(hook.secret).some((event) => event.data.status === 'failed'), 'the failed status');
    const failed = receiver.delivered(hook.secret).find((event) => event.data.status === 'failed')!;
    assert.deepEqual([(failed.data.message as { id: string }).id, (failed.data.error as { code: string }).code], [refused.body.id, 'NOT_ON_WHATSAPP']);

    const ids = receiver.delivered(hook.secret).map((event) => event.id);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    assert.deepEqual(receiver.calls.map((call) => call.headers['webhook-id']), ids, 'the webhook-id header is the event id');
    receiver.calls.length = 0;
    await service.admin('DELETE', `/v1/webhooks/${hook.id}`);
  });

  test('an endpoint that fails, then refuses connections, then comes back gets every event, in each chat’s order; the deliveries view shows the attempts', async () => {
    receiver.calls.length = 0;
    const hook = await addWebhook({ url: receiver.url, events: ['message.received'] });
    const before = 0;
    receiver.answer = 500;
    const written = [write(anna, 'A1'), write(boris, 'B1'), write(anna, 'A2')];
    await eventually(() => receiver.calls.length - before >= 4, 'failed attempts');
    await receiver.stop();
    written.push(write(boris, 'B2'), write(anna, 'A3'));
    const failing = await service.admin<{ deliveries: { state: string; attempts: number; lastStatus: number | null; lastError: string | null }[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`);
    assert.ok(failing.body.deliveries.some((delivery) => delivery.attempts >= 1 && delivery.lastStatus === 500), JSON.stringify(failing.body));
    await eventually(async () => (await service.admin<{ deliveries: { lastError: string | null }[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.deliveries.some((d) => /ECONNREFUSED/.test(d.lastError ?? '')), 'an attempt refused');
    receiver.answer = 200;
    await receiver.start();
    await eventually(() => receiver.delivered(hook.secret).length >= written.length, 'every event delivered');
    const delivered = receiver.delivered(hook.secret).map((event) => event.data as { id: string; chat: string; content: { text: string } });
    assert.deepEqual(new Set(delivered.map((message) => message.id)), new Set(written), 'none lost');
    assert.equal(delivered.length, written.length, 'none twice once delivered');
    const textsIn = (chat: string) => delivered.filter((message) => message.chat.startsWith(chat.slice(1))).map((message) => message.content.text);
    assert.deepEqual(textsIn(anna), ['A1', 'A2', 'A3']);
    assert.deepEqual(textsIn(boris), ['B1', 'B2']);
    const view = await service.admin<{ deliveries: { state: string; attempts: number }[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`);
    assert.ok(view.body.deliveries.every((delivery) => delivery.state === 'delivered'));
    assert.ok(view.body.deliveries.some((delivery) => delivery.attempts >= 3), 'retried');
    const replay = await service.admin<{ state: string }>('POST', `/v1/webhooks/${hook.id}/deliveries/${(view.body.deliveries[0] as unknown as { id: string }).id}/replay`);
    assert.equal(replay.body.state, 'pending');
    await eventually(() => receiver.delivered(hook.secret).length === written.length + 1, 'the replay');
    await service.admin('DELETE', `/v1/webhooks/${hook.id}`);
  });

  test('a webhook to a private address is refused unless the service allows them; a bad secret is a validation error', async () => {
    const strict = await startTestService({ webhookRetryFirstMs: 50 });
    try {
      const refused = await strict.admin<{ code: string }>('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, 'WEBHOOK_URL_FORBIDDEN');
      const badSecret = await strict.admin<{ code: string }>('POST', '/v1/webhooks', { url: 'https://example.com/hook', secret: 'not-a-secret' });
      assert.equal(badSecret.body.code, 'VALIDATION_ERROR');
      const unknownHost = await strict.admin<{ code: string }>('POST', '/v1/webhooks', { url: 'https://no-such-host.invalid/hook' });
      assert.equal(unknownHost.body.code, 'VALIDATION_ERROR');
      assert.equal((await strict.admin<{ code: string }>('GET', '/v1/webhooks/whk_nope')).body.code, 'WEBHOOK_NOT_FOUND');
    } finally {
      await strict.close();
    }
  });
});

describe('the event stream', () => {
  async function stream(headers: Record<string, string> = {}): Promise<{ events: ServerSentEvent[]; close(): void }> {
    const controller = new AbortController();
    const response = await fetch(`${service.url}/v1/events`, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal });
    assert.equal(response.status, 200);
    const events: ServerSentEvent[] = [];
    void (async () => {
      try {
        for await (const event of readServerSentEvents(response.body!)) events.push(event);
      } catch {
        // closed by the test
      }
    })();
    return { events, close: () => controller.abort() };
  }

  test('a client that was away resumes after Last-Event-ID and misses nothing', async () => {
    const first = await stream();
    const one = write(anna, 'before the break');
    await eventually(() => first.events.some((event) => event.data.data && (event.data.data as { id: string }).id === one), 'the live event');
    const last = first.events.at(-1)!;
    first.close();
    const missed = [write(anna, 'while away 1'), write(boris, 'while away 2')];
    const second = await stream({ 'last-event-id': last.id! });
    const later = write(anna, 'after the return');
    await eventually(() => second.events.some((event) => (event.data.data as { id?: string }).id === later), 'the live event after the backlog');
    const ids = second.events.filter((event) => event.event === 'message.received').map((event) => (event.data.data as { id: string }).id);
    assert.deepEqual(ids, [...missed, later]);
    assert.ok(second.events.every((event) => Number(event.id) > Number(last.id)));
    second.close();
    const unauthorized = await fetch(`${service.url}/v1/events`);
    assert.equal(unauthorized.status, 401);
  });
});
