import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from './group-commit.js';

/** A writer that records its batches and finishes each when the test says so. */
function recordingWriter() {
  const batches: number[][] = [];
  const pending: Array<{ finish: () => void; fail: (error: Error) => void }> = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      pending.push({ finish: resolve, fail: reject });
    });
  return { batches, pending, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('items added in one turn are written together, and each add resolves once its batch is written', async () => {
  const writer = recordingWriter();
  const commit = new GroupCommit(writer.write);
  const settled: number[] = [];
  const adds = [1, 2, 3].map((n) => commit.add(n).then(() => settled.push(n)));
  await turn();
  assert.deepEqual(writer.batches, [[1, 2, 3]]);
  assert.deepEqual(settled, [], 'nothing resolves before the write has finished');
  writer.pending[0]?.finish();
  await Promise.all(adds);
  assert.deepEqual(settled, [1, 2, 3]);
});

test('what arrives during a write waits for it, then goes in the next batch', async () => {
  const writer = recordingWriter();
  const commit = new GroupCommit(writer.write);
  const first = commit.add(1);
  await turn();
  const later = [commit.add(2), commit.add(3)];
  await turn();
  assert.deepEqual(writer.batches, [[1]], 'one write at a time');
  writer.pending[0]?.finish();
  await first;
  await turn();
  assert.deepEqual(writer.batches, [[1], [2, 3]]);
  writer.pending[1]?.finish();
  await Promise.all(later);
});

test('a failed write rejects the adds of its batch only', async () => {
  const writer = recordingWriter();
  const commit = new GroupCommit(writer.write);
  const failed = commit.add(1);
  await turn();
  const next = commit.add(3);
  writer.pending[0]?.fail(new Error('disk full'));
  await assert.rejects(failed, /disk full/);
  await turn();
  writer.pending[1]?.finish();
  await next;
  assert.deepEqual(writer.batches, [[1], [3]]);
});

test('a failed batch is written again item by item: only the item the database refuses fails', async () => {
  const batches: number[][] = [];
  const commit = new GroupCommit(async (items: number[]) => {
    batches.push(items);
    if (items.includes(13)) throw new Error('value 13 refused');
  });
  const outcomes = await Promise.allSettled([11, 12, 13, 14].map((n) => commit.add(n)));
  assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /value 13 refused/);
  assert.deepEqual(batches, [[11, 12, 13, 14], [11], [12], [13], [14]]);
});

test('a batch holds at most maxBatch items', async () => {
  const writer = recordingWriter();
  const commit = new GroupCommit(writer.write, 2);
  const adds = [1, 2, 3, 4, 5].map((n) => commit.add(n));
  for (let written = 0; written < 3; written += 1) {
    await turn();
    writer.pending[written]?.finish();
  }
  await Promise.all(adds);
  assert.deepEqual(writer.batches, [[1, 2], [3, 4], [5]]);
});
