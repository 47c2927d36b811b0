import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../domain/clock.js';
import { clockTimers } from './clock-timers.js';

test('bpmn-engine timers fire when the clock moves, with their arguments, and leave the executing list', () => {
  const clock = new ManualClock(0);
  const timers = clockTimers(clock);
  const fired: unknown[] = [];

  const timer = timers.register('boundary').setTimeout((value) => fired.push(value), 30_000, 'due');
  assert.equal(timer.owner, 'boundary');
  assert.equal(timer.expireAt.getTime(), 30_000);
  assert.deepEqual(timers.executing, [timer]);

  clock.advance(29_999);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['due']);
  assert.deepEqual(timers.executing, []);
});

test('a cleared timer never fires', () => {
  const clock = new ManualClock(0);
  const timers = clockTimers(clock);
  let fired = false;

  const timer = timers.setTimeout(() => (fired = true), 1_000);
  assert.equal(timers.clearTimeout(timer), undefined);
  clock.advance(5_000);

  assert.equal(fired, false);
  assert.equal(clock.pendingTimers, 0);
  assert.deepEqual(timers.executing, []);
});
