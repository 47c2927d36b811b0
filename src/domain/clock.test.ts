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

test('a timer set while time moves is measured from the new time, not from the timer that set it', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now());
    clock.setTimeout(() => fired.push(clock.now()), 10);
  }, 10);
  clock.advance(25);
  assert.deepEqual(fired, [10]);
  clock.advance(9);
  assert.deepEqual(fired, [10]);
  clock.advance(1);
  assert.deepEqual(fired, [10, 35]);
});

test('a task started by a timer keeps its whole 30 s timeout after a five-minute advance', () => {
  const clock = new ManualClock(0);
  let timedOut = false;
  // As a schedule's tick starting a process whose action arms its timeout synchronously.
  clock.setTimeout(() => clock.setTimeout(() => (timedOut = true), 30_000), 60_000);
  clock.advance(5 * 60_000);
  assert.equal(timedOut, false, 'the timeout fired at once');
  clock.advance(29_999);
  assert.equal(timedOut, false);
  clock.advance(1);
  assert.equal(timedOut, true);
});
