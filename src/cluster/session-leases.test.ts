import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from '../../test/support/eventually.js';
import { skipPostgres as skip } from '../store/postgres-test-support.js';
import { TestCluster, type LeaseEvent, type TestNode } from './cluster-test-support.js';

const releasesOf = (node: TestNode) => node.events.filter((event): event is Extract<LeaseEvent, { type: 'released' }> => event.type === 'released');

describe('session leases on PostgreSQL advisory locks', { skip }, () => {
  test('two nodes split 20 sessions 10 and 10, each owned by exactly one of them', async () => {
    await TestCluster.run(20, async (cluster) => {
      const a = await cluster.start('node-a');
      const stopWatching = cluster.watchOwnership([a], a);
      const b = await cluster.start('node-b');
      await cluster.settled([a, b], '20 sessions spread over 2 nodes');
      assert.ok((await stopWatching()) > 0);
      assert.deepEqual([a.running.size, b.running.size], [10, 10]);
      assert.deepEqual(new Set(await b.leases.nodes()), new Set(['node-a', 'node-b']));
      assert.deepEqual(new Set(a.leases.owned()), a.running);
      // node-a took all 20 alone first, then handed 10 over: released before node-b acquired them.
      assert.equal(releasesOf(a).filter((event) => event.reason === 'handover').length, 10);
    });
  });

  test('three nodes over 31 sessions differ by at most one; closing one hands its sessions to the others, shutdown first', async () => {
    await TestCluster.run(31, async (cluster) => {
      const [a, b, c] = [await cluster.start('node-a'), await cluster.start('node-b'), await cluster.start('node-c')];
      await cluster.settled([a, b, c], '31 sessions spread over 3 nodes');
      const stopWatching = cluster.watchOwnership([a, b, c], a);
      const hadOnC = [...c.running];
      await c.leases.close();
      assert.deepEqual(new Set(releasesOf(c).slice(-hadOnC.length).map((event) => `${event.sessionId} ${event.reason}`)), new Set(hadOnC.map((id) => `${id} shutdown`)));
      assert.equal(c.running.size, 0);
      await cluster.settled([a, b], 'node-c’s sessions taken by node-a and node-b');
      assert.ok((await stopWatching()) > 0);
      assert.deepEqual((await a.leases.nodes()).sort(), ['node-a', 'node-b']);
    });
  });

  test('a node whose connection the server ends reports every session lost at once; the others take them; it rejoins', async () => {
    await TestCluster.run(12, async (cluster) => {
      const a = await cluster.start('node-a');
      const b = await cluster.start('node-b');
      // node-c reconnects only at its next check, long after node-a's and node-b's: they take its sessions meanwhile.
      const c = await cluster.start('node-c', { checkIntervalMs: 2000 });
      await cluster.settled([a, b, c], '12 sessions spread over 3 nodes');
      const hadOnC = [...c.running].sort();
      await cluster.terminate('node-c');
      await eventually(() => c.running.size === 0, 'node-c closing its sessions');
      assert.deepEqual(releasesOf(c).filter((event) => event.reason === 'lost').map((event) => event.sessionId).sort(), hadOnC);
      await cluster.settled([a, b], 'node-c’s sessions taken by node-a and node-b');
      await cluster.settled([a, b, c], 'node-c back with its share');
    });
  });

  test('a new candidate is acquired by exactly one node; one no longer a candidate is dropped', async () => {
    await TestCluster.run(10, async (cluster) => {
      const [a, b, c] = [await cluster.start('node-a'), await cluster.start('node-b'), await cluster.start('node-c')];
      await cluster.settled([a, b, c], '10 sessions spread over 3 nodes');
      cluster.candidates.push('ses_new');
      await cluster.settled([a, b, c], 'ses_new owned');
      await cluster.checksPass([a, b, c]);
      const acquisitions = [a, b, c].flatMap((node) => node.events.filter((event) => event.type === 'acquired' && event.sessionId === 'ses_new'));
      assert.equal(acquisitions.length, 1);

      const gone = cluster.candidates.shift()!;
      const owner = [a, b, c].find((node) => node.running.has(gone))!;
      await eventually(() => !owner.running.has(gone), `${gone} dropped`);
      assert.equal(releasesOf(owner).at(-1)?.reason, 'dropped');
      await cluster.settled([a, b, c], 'the rest still spread');
      assert.equal((await a.leases.ownerOf([gone])).size, 0);
    });
  });
});
