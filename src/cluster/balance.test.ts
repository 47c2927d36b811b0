import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planBalance, type BalanceInput } from './balance.js';

const ids = (count: number) => Array.from({ length: count }, (_, i) => `s${i}`);
const plan = (input: Partial<BalanceInput> & Pick<BalanceInput, 'candidates'>) =>
  planBalance({ nodes: [{ pid: 1 }], selfPid: 1, held: new Set(), leaving: new Set(), heldElsewhere: new Set(), ...input });

test('10 sessions over 3 nodes: shares of 4, 3 and 3, never 4, 4 and 2', () => {
  const nodes = [{ pid: 10 }, { pid: 20 }, { pid: 30 }];
  assert.deepEqual(nodes.map((node) => plan({ nodes, selfPid: node.pid, candidates: ids(10) }).target), [4, 3, 3]);
});

test('a node over its share hands the excess over; one under it tries the free sessions, from its own offset', () => {
  const nodes = [{ pid: 1 }, { pid: 2 }];
  const over = plan({ nodes, selfPid: 1, candidates: ids(4), held: new Set(ids(4)) });
  assert.deepEqual([over.target, over.handOver.length, over.tryToTake], [2, 2, []]);
  const under = plan({ nodes, selfPid: 2, candidates: ids(4), heldElsewhere: new Set(['s0']) });
  assert.deepEqual(under.tryToTake, ['s2', 's3', 's1']);
});

test('a node over its share hands over the sessions it has held longest, keeping the one it took last (maybe still linking)', () => {
  const nodes = [{ pid: 1 }, { pid: 2 }];
  const over = plan({ nodes, selfPid: 1, candidates: ids(3), held: new Set(['s0', 's1', 's2']) });
  assert.deepEqual([over.target, over.handOver], [2, ['s0']]);
});

test('sessions no longer among the candidates are dropped, and the leaving ones are not tried again', () => {
  const result = plan({ candidates: ['a', 'b'], held: new Set(['a', 'gone']), leaving: new Set(['b']) });
  assert.deepEqual(result, { target: 2, drop: ['gone'], handOver: [], tryToTake: [] });
});

test('a node that pg_stat_activity does not list yet counts itself last', () => {
  assert.equal(plan({ nodes: [{ pid: 1 }], selfPid: 2, candidates: ids(3) }).target, 1);
});

test('the shares of any cluster add up to the candidates and differ by at most one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 200 }), (nodeCount, sessionCount) => {
      const nodes = Array.from({ length: nodeCount }, (_, i) => ({ pid: i + 1 }));
      const targets = nodes.map((node) => plan({ nodes, selfPid: node.pid, candidates: ids(sessionCount) }).target);
      assert.equal(targets.reduce((a, b) => a + b, 0), sessionCount);
      assert.ok(Math.max(...targets) - Math.min(...targets) <= 1);
    }),
  );
});
