// Two connector nodes in one process on one PostgreSQL and Redis, on one sandbox network: a session
// lives on one node, actions sent to the other reach it through BullMQ, and when its node stops the
// other takes the session over (no new scan) and sends what was still queued, each message once,
// as edited or withdrawn through either node while it waited.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { SandboxNetwork } from '../../src/engines/sandbox/index.js';
import { isolatedPostgresUrl, skipPostgres } from '../../src/store/postgres-test-support.js';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';
import { sandboxWhatsApp } from '../support/whatsapp.js';
import { assertRedisUp, redisUrl, skipRedis } from '../support/redis.js';

const anna = '+79005556677';

function act(service: TestService, token: string, body: unknown, headers: Record<string, string> = {}) {
  return call<Record<string, unknown>>(service.url, 'POST', '/v1/actions/sendMessage', { token, body, headers });
}

describe('two nodes', { skip: skipPostgres || skipRedis }, () => {
  before(assertRedisUp);

  test('any node acts for any session; a queued message is edited or withdrawn through either; a stopped node’s sessions and queued sends move to the other, sent once each', async () => {
    const databaseUrl = await isolatedPostgresUrl();
    const network = new SandboxNetwork({ openRegistration: true });
    const whatsapp = { ...sandboxWhatsApp(), startOptions: { network } };
    const cluster = { databaseUrl, redisUrl, clusterName: `t${randomUUID().slice(0, 8)}`, leaseCheckMs: 200, leaseTimeoutMs: 5_000, shutdownGraceMs: 200 };
    const a = await startTestService({ ...cluster, nodeId: 'node-a' }, undefined, whatsapp);
    const { token, sessionId } = await linkPhone(a, '+79000000010');
    const bot = network.phones().find((phone) => phone.phone === '+79000000010')!.jid;
    const seen = () => network.conversation(anna, bot).map((message) => message.text);
    const b = await startTestService({ ...cluster, nodeId: 'node-b' }, undefined, whatsapp);
    try {
      assert.deepEqual(await a.cluster!.ownerOf([sessionId]), new Map([[sessionId, 'node-a']]), 'the node that linked it holds it');
      const listed = await b.admin<{ sessions: { sessionId: string; owner: string | null }[] }>('GET', '/v1/sessions');
      assert.deepEqual(listed.body.sessions.map(({ sessionId: id, owner }) => ({ id, owner })), [{ id: sessionId, owner: 'node-a' }], 'any node shows the owner');

      const viaB = await act(b, token, { chat: anna, text: 'Through node b' }, { 'idempotency-key': 'via-b' });
      assert.equal(viaB.status, 200, JSON.stringify(viaB.body));
      const viaA = await act(a, token, { chat: anna, text: 'Through node a' });
      assert.equal(viaA.status, 200, JSON.stringify(viaA.body));
      const again = await act(b, token, { chat: anna, text: 'Through node b' }, { 'idempotency-key': 'via-b' });
      assert.deepEqual(again.body, viaB.body, 'the key answers the first result on any node');
      assert.deepEqual(seen(), ['Through node b', 'Through node a']);

      // Node a holds back its sends, accepts five more, and stops with them still queued.
      a.sandbox!.sendDelayMs = 60_000;
      const queued = [];
      for (let n = 0; n < 5; n += 1) {
        const reply = await act(b, token, { chat: anna, text: `Queued ${n}` }, { prefer: 'respond-async', 'idempotency-key': `q${n}` });
        assert.equal(reply.status, 202, JSON.stringify(reply.body));
        queued.push(reply.body);
      }
      // Through the node that does not hold the session: an edit and a deletion of messages still waiting.
      const edit = await call<Record<string, unknown>>(b.url, 'POST', '/v1/actions/editMessage', { token, body: { message: queued[1], text: 'Queued 1, edited' } });
      assert.equal(edit.status, 200, JSON.stringify(edit.body));
      assert.equal(edit.body.status, 'pending');
      const deletion = await call<Record<string, unknown>>(b.url, 'POST', '/v1/actions/deleteMessage', { token, body: { message: queued[3] } });
      assert.equal(deletion.status, 200, JSON.stringify(deletion.body));
      await a.close();
      await eventually(async () => (await b.cluster!.ownerOf([sessionId])).get(sessionId) === 'node-b', 'node b to take the session');
      await eventually(() => seen().length >= 6, 'the queued sends from node b');
      await b.runner.idle();
      assert.deepEqual(seen(), ['Through node b', 'Through node a', 'Queued 0', 'Queued 1, edited', 'Queued 2', 'Queued 4']);
      const withdrawn = await call<{ status: string; error?: { code: string } }>(b.url, 'GET', `/v1/messages/${String(queued[3]!.id)}`, { token });
      assert.deepEqual([withdrawn.body.status, withdrawn.body.error?.code], ['failed', 'WITHDRAWN']);
      const after = await act(b, token, { chat: anna, text: 'After the move' });
      assert.equal(after.status, 200, JSON.stringify(after.body));
      assert.equal(after.body.chat, viaA.body.chat, 'the same linked session, never scanned again');
    } finally {
      await b.close();
      await a.close();
    }
  });
});
