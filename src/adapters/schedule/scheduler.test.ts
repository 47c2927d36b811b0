import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../domain/clock.js';
import { ScenarioScheduler, type TickLedger } from './scheduler.js';

const start = Date.parse('2026-03-02T09:03:00Z');
const minute = 60_000;

function memoryLedger(last?: number): TickLedger & { ticks: number[] } {
  const ticks: number[] = [];
  return {
    ticks,
    lastTick: async () => ticks.at(-1) ?? last,
    recordTick: async (tick) => void ticks.push(tick),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('scenario scheduler', () => {
  test('starts one run per tick of a five-minute schedule', async () => {
    const clock = new ManualClock(start);
    const runs: string[] = [];
    const scheduler = new ScenarioScheduler({
      schedule: { cron: '*/5 * * * *', timeZone: 'Europe/Moscow' },
      clock,
      ledger: memoryLedger(),
      run: async (tick) => void runs.push(new Date(tick).toISOString()),
    });
    await scheduler.start();
    for (let i = 0; i < 12; i++) {
      clock.advance(minute);
      await settle();
    }
    await scheduler.stop();
    assert.deepEqual(runs, ['2026-03-02T09:05:00.000Z', '2026-03-02T09:10:00.000Z', '2026-03-02T09:15:00.000Z']);
  });

  test('reads the pattern in its time zone', async () => {
    const clock = new ManualClock(Date.parse('2026-03-02T00:00:00Z'));
    const scheduler = new ScenarioScheduler({ schedule: { cron: '0 9 * * *', timeZone: 'Europe/Moscow' }, clock, ledger: memoryLedger(), run: async () => {} });
    assert.equal(new Date(scheduler.nextTick(clock.now()) ?? 0).toISOString(), '2026-03-02T06:00:00.000Z');
  });

  test('never runs the scenario twice at once: a tick during a long run is skipped', async () => {
    const clock = new ManualClock(start);
    let release: () => void = () => {};
    const runs: number[] = [];
    const skipped: number[] = [];
    const scheduler = new ScenarioScheduler({
      schedule: { cron: '*/5 * * * *', timeZone: 'UTC' },
      clock,
      ledger: memoryLedger(),
      run: (tick) => {
        runs.push(tick);
        return new Promise<void>((resolve) => (release = resolve));
      },
      onSkip: (tick) => skipped.push(tick),
    });
    await scheduler.start();
    clock.advance(2 * minute);
    await settle();
    clock.advance(5 * minute);
    await settle();
    assert.equal(runs.length, 1, 'the second tick found the first run still going');
    assert.equal(skipped.length, 1);
    release();
    await scheduler.idle();
    clock.advance(5 * minute);
    await settle();
    assert.equal(runs.length, 2);
    release();
    await scheduler.stop();
  });

  test('a tick missed while the host was down runs once at start, not once per missed tick', async () => {
    const clock = new ManualClock(Date.parse('2026-03-02T12:00:30Z'));
    const ledger = memoryLedger(Date.parse('2026-03-02T09:00:00Z'));
    const runs: string[] = [];
    const scheduler = new ScenarioScheduler({ schedule: { cron: '*/5 * * * *', timeZone: 'UTC' }, clock, ledger, run: async (tick) => void runs.push(new Date(tick).toISOString()) });
    await scheduler.start();
    assert.deepEqual(runs, ['2026-03-02T09:05:00.000Z']);
    clock.advance(5 * minute);
    await settle();
    assert.deepEqual(runs, ['2026-03-02T09:05:00.000Z', '2026-03-02T12:05:00.000Z']);
    await scheduler.stop();
  });

  test('a failed run is reported and the schedule goes on', async () => {
    const clock = new ManualClock(start);
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new ScenarioScheduler({
      schedule: { cron: '*/5 * * * *', timeZone: 'UTC' },
      clock,
      ledger: memoryLedger(),
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database busy');
      },
      onError: (error) => errors.push(error),
    });
    await scheduler.start();
    for (let i = 0; i < 3; i++) {
      clock.advance(5 * minute);
      await settle();
    }
    await scheduler.stop();
    assert.equal(calls, 3);
    assert.equal(errors.length, 1);
  });

  test('an invalid pattern is VALIDATION_ERROR', () => {
    assert.throws(
      () => new ScenarioScheduler({ schedule: { cron: 'every day', timeZone: 'UTC' }, clock: new ManualClock(), ledger: memoryLedger(), run: async () => {} }),
      { code: 'VALIDATION_ERROR' },
    );
  });
});
