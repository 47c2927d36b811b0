import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clock.js';

test('a manual clock fires timers in time order only when advanced', () => {
  const clock = new ManualClock(1_000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
  clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
  const cancelled = clock.setTimeout(() => fired.push('never'), 150);
  clock.clearTimeout(cancelled);
  assert.deepEqual(fired, []);
  clock.advance(150);
  assert.deepEqual(fired, ['a@1100']);
  clock.advance(1_000);
  assert.deepEqual(fired, ['a@1100', 'b@1200']);
  assert.equal(clock.now(), 2_150);
  assert.equal(clock.pendingTimers, 0);
});

test('a timer set by a timer fires in the same advance when due', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now());
    clock.setTimeout(() => fired.push(clock.now()), 10);
  }, 10);
  clock.advance(25);
  assert.deepEqual(fired, [10, 20]);
});
