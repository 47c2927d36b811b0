import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { eventually } from '../../test/support/eventually.js';
import { skipPostgres as skip } from '../store/postgres-test-support.js';
import { TestCluster } from './cluster-test-support.js';

describe('session leases when a node dies or stalls', { skip }, () => {
  test('a node process killed with SIGKILL frees its leases at once; the survivor takes them', async () => {
    const cluster = await TestCluster.create(10);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cluster/lease-holder-test-support.ts', cluster.databaseUrl, cluster.name, 'node-child', ...cluster.candidates], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const survivor = await cluster.start('node-a');
      const childOwns = async () => [...(await survivor.leases.ownerOf(cluster.candidates))].filter(([, owner]) => owner === 'node-child').map(([id]) => id);
      await eventually(async () => (await childOwns()).length === 5 && survivor.running.size === 5, 'the child and node-a holding 5 sessions each');
      const heldByChild = await childOwns();
      assert.ok(heldByChild.every((id) => output.includes(`acquired ${id}\n`)));

      child.kill('SIGKILL');
      await exited;
      // No goodbye from the child: only its socket, closed by the kernel, tells PostgreSQL.
      assert.ok(!/released \S+ (shutdown|lost)/.test(output));
      await eventually(() => survivor.running.size === 10, 'node-a running all 10 sessions');
      const owners = await survivor.leases.ownerOf(cluster.candidates);
      assert.deepEqual([...new Set(owners.values())], ['node-a']);
      assert.equal(owners.size, 10);
      assert.deepEqual(await survivor.leases.nodes(), ['node-a']);
      assert.deepEqual(cluster.violations, []);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await cluster.closeAll();
    }
  });

  test('a slow acquired handler stalls neither heartbeats nor checks; a loss meanwhile releases each session after it opened', async () => {
    const cluster = await TestCluster.create(3);
    let open = () => {};
    cluster.acquireGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const a = await cluster.start('node-a');
      assert.equal(a.leases.owned().length, 3);
      await cluster.checksPass([a]);
      assert.equal(a.running.size, 0);

      await cluster.terminate('node-a');
      await eventually(() => a.leases.owned().length === 0, 'node-a forgetting its lost leases');
      assert.equal(a.events.length, 0);
      open();
      await eventually(() => a.events.filter((event) => event.type === 'released' && event.reason === 'lost').length === 3, 'three lost releases');
      for (const id of cluster.candidates) {
        assert.deepEqual(
          a.events.filter((event) => event.sessionId === id).slice(0, 2).map((event) => event.type),
          ['acquired', 'released'],
        );
      }
      await cluster.settled([a], 'node-a reconnected and running all 3 again');
      assert.deepEqual(cluster.violations, []);
    } finally {
      open();
      await cluster.closeAll();
    }
  });
});
