import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { skipPostgres as skip } from '../store/postgres-test-support.js';
import { eventually } from '../../test/support/eventually.js';
import { TestCluster } from './cluster-test-support.js';

// Checks so rare that only start() balances: what the test does is all that happens.
const rarely = { checkIntervalMs: 60_000, heartbeatTimeoutMs: 1000, serverKeepalive: { idleSeconds: 130, intervalSeconds: 2, count: 3 } };

describe('claiming and releasing a session on purpose', { skip }, () => {
  test('a claim takes only a free session, at once; a release frees it for another node', async () => {
    await TestCluster.run(4, async (cluster) => {
      const a = await cluster.start('node-a', rarely);
      const b = await cluster.start('node-b', rarely);
      assert.deepEqual([a.running.size, b.running.size], [4, 0]);

      assert.equal(await b.leases.claim('ses_00'), false);
      await a.leases.release('ses_00');
      assert.deepEqual(a.events.at(-1), { type: 'released', sessionId: 'ses_00', reason: 'dropped' });
      assert.equal((await a.leases.ownerOf(['ses_00'])).size, 0);

      assert.equal(await b.leases.claim('ses_00'), true);
      assert.deepEqual(b.events, [{ type: 'acquired', sessionId: 'ses_00' }]);
      assert.equal((await a.leases.ownerOf(['ses_00'])).get('ses_00'), 'node-b');
    });
  });

  test('claiming a session twice locks it once: one release frees it', async () => {
    await TestCluster.run(0, async (cluster) => {
      const a = await cluster.start('node-a', rarely);
      assert.equal(await a.leases.claim('ses_fresh'), true);
      assert.equal(await a.leases.claim('ses_fresh'), true);
      assert.deepEqual(a.leases.owned(), ['ses_fresh']);
      assert.equal(a.events.length, 1);
      await a.leases.release('ses_fresh');
      assert.equal((await a.leases.ownerOf(['ses_fresh'])).size, 0);
      assert.deepEqual(a.leases.owned(), []);
    });
  });

  test('a session claimed while a check reads the candidates (its row not among them yet) is not dropped by that check', async () => {
    await TestCluster.run(0, async (cluster) => {
      let slowRead: { started: () => void; finish: Promise<void> } | undefined;
      let reads = 0;
      const a = await cluster.start('node-a', {
        checkIntervalMs: 100,
        candidates: async () => {
          reads += 1;
          const snapshot = [...cluster.candidates];
          const read = slowRead;
          slowRead = undefined;
          read?.started();
          await read?.finish;
          return snapshot;
        },
      });
      let finish!: () => void;
      await new Promise<void>((started) => (slowRead = { started, finish: new Promise((resolve) => (finish = resolve)) }));
      assert.equal(await a.leases.claim('ses_new'), true);
      cluster.candidates.push('ses_new');
      const before = reads;
      finish();
      await eventually(() => reads >= before + 3, 'three more checks');
      assert.deepEqual(a.events, [{ type: 'acquired', sessionId: 'ses_new' }]);
    });
  });

  test('a closed node claims nothing', async () => {
    const cluster = await TestCluster.create(1);
    const a = await cluster.start('node-a', rarely);
    await a.leases.close();
    await assert.rejects(a.leases.claim('ses_00'), { code: 'SHUTTING_DOWN' });
    assert.deepEqual(a.events.map((event) => event.type), ['acquired', 'released']);
  });
});

describe('a session pinned to its node (being linked there)', { skip }, () => {
  test('is never handed over to even the spread, and is left out of the shares', async () => {
    await TestCluster.run(4, async (cluster) => {
      const often = { checkIntervalMs: 100 };
      const a = await cluster.start('node-a', { ...often, pinned: (id) => id === 'ses_linking' });
      assert.equal(await a.leases.claim('ses_linking'), true);
      cluster.candidates.push('ses_linking');
      const b = await cluster.start('node-b', often);
      // Four shared sessions over two nodes: two each, and the pinned one stays on node a besides.
      await eventually(() => a.running.size === 3 && b.running.size === 2, 'the shared sessions to spread 2 + 2');
      await cluster.checksPass([a, b]);
      assert.ok(a.running.has('ses_linking'));
      assert.equal(a.events.filter((event) => event.sessionId === 'ses_linking' && event.type === 'released').length, 0, 'never let go');
    });
  });
});
