import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { eventually } from '../../../test/support/eventually.js';
import { assertRedisUp, redisUrl, skipRedis } from '../../../test/support/redis.js';
import { ClusterScheduler } from './cluster-scheduler.js';

describe('a schedule shared by three nodes', { skip: skipRedis }, () => {
  before(assertRedisUp);

  test('each tick runs once in the cluster, on one of the nodes, never two at once', async () => {
    const name = `reminder-${randomUUID().slice(0, 8)}`;
    const runs: { node: string; tick: number }[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const nodes = ['a', 'b', 'c'].map(
      (node) =>
        new ClusterScheduler({
          name,
          redisUrl,
          prefix: `test-${name}`,
          schedule: { cron: '* * * * * *', timeZone: 'Europe/Moscow' },
          run: async (tick) => {
            running += 1;
            mostAtOnce = Math.max(mostAtOnce, running);
            runs.push({ node, tick });
            await new Promise((resolve) => setTimeout(resolve, 50));
            running -= 1;
          },
        }),
    );
    try {
      await Promise.all(nodes.map((node) => node.start()));
      await eventually(() => runs.length >= 4, 'four ticks');
    } finally {
      await nodes[0]!.remove();
      await Promise.all(nodes.map((node) => node.stop()));
    }
    const ticks = runs.map((run) => run.tick);
    assert.equal(new Set(ticks).size, ticks.length, `a tick ran twice: ${JSON.stringify(runs)}`);
    for (const tick of ticks) assert.equal(tick % 1_000, 0, 'a tick is a whole second of the pattern');
    assert.equal(mostAtOnce, 1);
  });
});
