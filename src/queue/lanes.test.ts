import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionLanes } from './lanes.js';

test('tasks of one session run one after another, those of others side by side, past a failure', async () => {
  const queue = new SessionLanes(Number.POSITIVE_INFINITY);
  const log: string[] = [];
  let finishSlow = () => {};
  const slow = queue.run('a', () => new Promise<void>((resolve) => (finishSlow = resolve)).then(() => void log.push('a1')));
  const failing = queue.run('a', async () => {
    log.push('a2');
    throw new Error('boom');
  });
  const after = queue.run('a', async () => void log.push('a3'));
  await queue.run('b', async () => void log.push('b1'));
  assert.deepEqual(log, ['b1']);
  finishSlow();
  await slow;
  await assert.rejects(failing, /boom/);
  await after;
  await queue.idle();
  assert.deepEqual(log, ['b1', 'a1', 'a2', 'a3']);
});
