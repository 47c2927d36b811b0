// The durable send queue as a caller meets it over HTTP: `Prefer: respond-async` and `wait`,
// hundreds of sends from one connection, a restart with sends still waiting, and two nodes on one
// PostgreSQL racing one idempotency key.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SandboxNetwork } from '../../src/engines/sandbox/index.js';
import { isolatedPostgresUrl, skipPostgres } from '../../src/store/postgres-test-support.js';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, tempDir, type TestService } from '../support/service.js';
import { sandboxWhatsApp } from '../support/whatsapp.js';

const anna = '+79001112233';
const annaJid = '79001112233@s.whatsapp.net';

function act(service: TestService, token: string, action: string, body: unknown, headers: Record<string, string> = {}) {
  return call<Record<string, unknown>>(service.url, 'POST', `/v1/actions/${action}`, { token, body, headers });
}

function seenByAnna(service: TestService, bot: string) {
  return service.sandbox!.network.conversation(anna, bot).map((message) => message.text);
}

/** A sandbox that every service started with it shares: one network, as one WhatsApp. */
function sharedSandbox(network = new SandboxNetwork({ openRegistration: true })) {
  return { ...sandboxWhatsApp(), startOptions: { network } };
}

describe('Prefer: respond-async', () => {
  test('answers 202 with the queued message at once; its status then moves to sent', async () => {
    const service = await startTestService();
    try {
      const { token } = await linkPhone(service, '+79000000001');
      service.sandbox!.sendDelayMs = 1_000;
      const reply = await act(service, token, 'sendMessage', { chat: anna, text: 'Queued' }, { prefer: 'respond-async' });
      assert.equal(reply.status, 202, JSON.stringify(reply.body));
      assert.equal(reply.body.status, 'queued');
      assert.equal(reply.body.chat, annaJid);
      const id = String(reply.body.id);
      const status = async () => (await call<{ status: string }>(service.url, 'GET', `/v1/messages/${id}`, { token })).body.status;
      assert.equal(await status(), 'queued');
      service.clock.advance(1_000);
      await eventually(async () => (await status()) === 'sent', 'the queued message to be sent');
    } finally {
      await service.close();
    }
  });

  test('500 sends from one connection are all accepted, none RATE_LIMITED, and arrive once each, in order', async () => {
    const service = await startTestService({ sendQueueLimit: 10_000 });
    try {
      const { token } = await linkPhone(service, '+79000000002');
      const bot = service.sandbox!.network.phones().find((phone) => phone.phone === '+79000000002')!.jid;
      const replies = [];
      for (let n = 0; n < 500; n += 1) replies.push(act(service, token, 'sendMessage', { chat: anna, text: `Reminder ${n}` }, { prefer: 'respond-async', 'idempotency-key': `r${n}` }));
      const statuses = (await Promise.all(replies)).map((reply) => reply.status);
      assert.deepEqual([...new Set(statuses)], [202]);
      await eventually(() => seenByAnna(service, bot).length >= 500, '500 reminders to arrive');
      assert.deepEqual(seenByAnna(service, bot), Array.from({ length: 500 }, (_, n) => `Reminder ${n}`));
    } finally {
      await service.close();
    }
  });

  test('Prefer: wait=1 withdraws an action still waiting after a second: TIMEOUT, and it is never sent', async () => {
    const service = await startTestService();
    try {
      const { token, sessionId } = await linkPhone(service, '+79000000003');
      const bot = service.sandbox!.network.phones().find((phone) => phone.phone === '+79000000003')!.jid;
      service.sandbox!.sendDelayMs = 5_000;
      const first = act(service, token, 'sendMessage', { chat: anna, text: 'Slow' });
      await eventually(() => service.runner.depth(sessionId) === 1, 'the first send to start');
      const late = act(service, token, 'sendMessage', { chat: anna, text: 'Too late' }, { prefer: 'wait=1' });
      await eventually(() => service.runner.depth(sessionId) === 2, 'the second to wait its turn');
      service.clock.advance(1_500);
      const answer = await late;
      assert.equal(answer.status, 504, JSON.stringify(answer.body));
      assert.equal(answer.body.code, 'TIMEOUT');
      service.clock.advance(5_000);
      assert.equal((await first).status, 200);
      await service.runner.idle();
      assert.deepEqual(seenByAnna(service, bot), ['Slow']);
    } finally {
      await service.close();
    }
  });
});

describe('a message still queued', () => {
  test('an edit changes what will be sent and a deletion withdraws it: its status is failed WITHDRAWN and nothing is sent', async () => {
    const service = await startTestService();
    try {
      const { token, sessionId } = await linkPhone(service, '+79000000005');
      const bot = service.sandbox!.network.phones().find((phone) => phone.phone === '+79000000005')!.jid;
      service.sandbox!.sendDelayMs = 5_000;
      const first = act(service, token, 'sendMessage', { chat: anna, text: 'Your appointment is tomorrow' });
      await eventually(() => service.runner.depth(sessionId) === 1, 'the first send to start');
      const edited = await act(service, token, 'sendMessage', { chat: anna, text: 'Bring your referral' }, { prefer: 'respond-async' });
      const withdrawn = act(service, token, 'sendMessage', { chat: anna, text: 'Sent by mistake' });
      await eventually(() => service.runner.depth(sessionId) === 3, 'both to wait their turn');
      const mistake = (await call<{ status: string }>(service.url, 'GET', `/v1/messages/${String(edited.body.id)}`, { token })).body;
      assert.equal(mistake.status, 'queued');

      const edit = await act(service, token, 'editMessage', { message: edited.body, text: 'Bring your referral and passport' });
      assert.equal(edit.status, 200, JSON.stringify(edit.body));
      assert.equal(edit.body.status, 'pending', 'changed before it left');
      const queuedIds = (await service.store.outbox.queued([sessionId])).map((row) => row.messageId);
      const deletion = await act(service, token, 'deleteMessage', { message: queuedIds.at(-1), chat: anna });
      assert.equal(deletion.status, 200, JSON.stringify(deletion.body));

      service.clock.advance(5_000);
      assert.equal((await first).status, 200);
      const refused = await withdrawn;
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'WITHDRAWN');
      service.clock.advance(5_000);
      await eventually(() => seenByAnna(service, bot).length >= 2, 'the edited message to arrive');
      await service.runner.idle();
      assert.deepEqual(seenByAnna(service, bot), ['Your appointment is tomorrow', 'Bring your referral and passport']);
      const status = (await call<{ status: string; error?: { code: string } }>(service.url, 'GET', `/v1/messages/${queuedIds.at(-1)}`, { token })).body;
      assert.deepEqual([status.status, status.error?.code], ['failed', 'WITHDRAWN']);
    } finally {
      await service.close();
    }
  });
});

describe('a restart', () => {
  test('sends what was accepted and not yet sent when the service stopped, each once, in order', async () => {
    const dataDir = tempDir();
    const whatsapp = sharedSandbox();
    const first = await startTestService({ dataDir, shutdownGraceMs: 100 }, undefined, whatsapp);
    const { token } = await linkPhone(first, '+79000000004');
    const bot = first.sandbox!.network.phones().find((phone) => phone.phone === '+79000000004')!.jid;
    first.sandbox!.sendDelayMs = 60_000;
    for (let n = 0; n < 5; n += 1) {
      const reply = await act(first, token, 'sendMessage', { chat: anna, text: `Accepted ${n}` }, { prefer: 'respond-async', 'idempotency-key': `a${n}` });
      assert.equal(reply.status, 202);
    }
    await first.close();
    assert.deepEqual(seenByAnna(first, bot), [], 'nothing was sent before the stop');

    const second = await startTestService({ dataDir }, undefined, whatsapp);
    try {
      await eventually(() => seenByAnna(second, bot).length >= 5, 'the accepted sends after the restart');
      await second.runner.idle();
      assert.deepEqual(seenByAnna(second, bot), [0, 1, 2, 3, 4].map((n) => `Accepted ${n}`));
      const again = await act(second, token, 'sendMessage', { chat: anna, text: 'Accepted 0' }, { 'idempotency-key': 'a0' });
      assert.equal(again.status, 200, 'the key answers the recorded result');
      assert.equal(seenByAnna(second, bot).length, 5);
    } finally {
      await second.close();
    }
  });
});

describe('two nodes on one PostgreSQL', { skip: skipPostgres }, () => {
  test('one idempotency key raced on both sends once and gives one answer; another body is IDEMPOTENCY_CONFLICT', async () => {
    const databaseUrl = await isolatedPostgresUrl();
    const whatsapp = sharedSandbox();
    const a = await startTestService({ databaseUrl }, undefined, whatsapp);
    const { token } = await linkPhone(a, '+79000000005');
    const bot = a.sandbox!.network.phones().find((phone) => phone.phone === '+79000000005')!.jid;
    const b = await startTestService({ databaseUrl }, undefined, whatsapp);
    try {
      for (let round = 0; round < 10; round += 1) {
        const body = { chat: anna, text: `Round ${round}` };
        const key = { 'idempotency-key': `race-${round}` };
        const [fromA, fromB] = await Promise.all([act(a, token, 'sendMessage', body, key), act(b, token, 'sendMessage', body, key)]);
        assert.equal(fromA.status, 200, JSON.stringify(fromA.body));
        assert.equal(fromB.status, 200, JSON.stringify(fromB.body));
        assert.deepEqual(fromB.body, fromA.body, 'one answer');
      }
      assert.deepEqual(seenByAnna(a, bot), Array.from({ length: 10 }, (_, n) => `Round ${n}`), 'one send per key');

      const [one, other] = await Promise.all([
        act(a, token, 'sendMessage', { chat: anna, text: 'One' }, { 'idempotency-key': 'differs' }),
        act(b, token, 'sendMessage', { chat: anna, text: 'Other' }, { 'idempotency-key': 'differs' }),
      ]);
      assert.deepEqual([one.status, other.status].sort(), [200, 409]);
      assert.equal((one.status === 409 ? one : other).body.code, 'IDEMPOTENCY_CONFLICT');
      assert.equal(seenByAnna(a, bot).length, 11);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
