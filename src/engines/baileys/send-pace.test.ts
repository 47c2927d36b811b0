import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import { SendPace } from './send-pace.js';

test('sends run one at a time, in order, at least the interval apart', async () => {
  const pace = new SendPace(systemClock, { intervalMs: 40, maxQueued: 10 });
  const starts: number[] = [];
  let running = 0;
  const send = (n: number) =>
    pace.run(async () => {
      running += 1;
      assert.equal(running, 1, 'never two at once');
      starts.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return n;
    });
  assert.deepEqual(await Promise.all([send(1), send(2), send(3)]), [1, 2, 3]);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 39, `gap ${starts[i]! - starts[i - 1]!} ms`);
});

test('a caller beyond the queue bound is refused with RATE_LIMITED at once; a failed send frees its turn', async () => {
  const pace = new SendPace(systemClock, { intervalMs: 0, maxQueued: 1 });
  let release!: () => void;
  const first = pace.run(() => new Promise<void>((resolve) => (release = resolve)));
  const second = pace.run(() => Promise.reject(new Error('network')));
  await assert.rejects(pace.run(async () => 'third'), (error: unknown) => error instanceof ConnectorError && error.code === 'RATE_LIMITED');
  release();
  await first;
  await assert.rejects(second, /network/);
  assert.equal(await pace.run(async () => 'fourth'), 'fourth');
});

test('closing the pace lets the waiting sends run at once instead of hanging, and pacing resumes after them', async () => {
  const pace = new SendPace(systemClock, { intervalMs: 60_000, maxQueued: 10 });
  await pace.run(async () => 'first');
  const waiting = [pace.run(async () => 'second'), pace.run(async () => 'third')];
  await new Promise((resolve) => setTimeout(resolve, 10));
  pace.close();
  assert.deepEqual(await Promise.all(waiting), ['second', 'third']);
  let ran = false;
  const paced = pace.run(async () => (ran = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(ran, false, 'a send after the drain waits its interval again');
  pace.close();
  await paced;
});
