import { Cron } from 'croner';
import type { Clock, TimerHandle } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';

/** When a scenario starts: a cron pattern read in a time zone, declared beside the process. */
export interface Schedule {
  /** Five fields (minute hour day month weekday), or six with seconds first. */
  cron: string;
  /** IANA time zone the pattern is read in, e.g. `Europe/Moscow`. */
  timeZone: string;
}

/** Where the scheduler remembers the last tick it ran, so a tick missed while down runs at start. */
export interface TickLedger {
  lastTick(): Promise<number | undefined>;
  recordTick(tick: number): Promise<void>;
}

export interface SchedulerOptions {
  schedule: Schedule;
  clock: Clock;
  ledger: TickLedger;
  /** Runs one instance of the scenario for the tick at `tick` (ms since the epoch). */
  run(tick: number): Promise<void>;
  /** Told about a run that failed; the schedule goes on. */
  onError?(error: unknown, tick: number): void;
  /** Told about a tick skipped because the previous run was still going. */
  onSkip?(tick: number): void;
}

/**
 * Starts a scenario on a schedule, as the seed's "started on a schedule" scenarios are: one
 * process instance per tick, never two runs of the scenario at once (a tick that finds the last
 * run still going is skipped), and a tick missed while the host was down run once at start.
 * Time comes from the injected clock, so a simulated day passes in moments.
 *
 * @example
 * const scheduler = new ScenarioScheduler({ schedule: { cron: '*\/5 * * * *', timeZone: 'Europe/Moscow' }, clock, ledger, run });
 * await scheduler.start();
 */
export class ScenarioScheduler {
  private readonly cron: Cron;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {
    try {
      this.cron = new Cron(options.schedule.cron, { timezone: options.schedule.timeZone, paused: true });
    } catch (error) {
      throw new ConnectorError('VALIDATION_ERROR', `Invalid schedule "${options.schedule.cron}" in ${options.schedule.timeZone}: ${(error as Error).message}`, {
        schedule: options.schedule,
      });
    }
  }

  /** The next tick after `time`. */
  nextTick(time: number): number | undefined {
    return this.cron.nextRun(new Date(time))?.getTime();
  }

  /** Runs a missed tick once (if any), then follows the schedule. */
  async start(): Promise<void> {
    this.stopped = false;
    const last = await this.options.ledger.lastTick();
    const missed = last === undefined ? undefined : this.nextTick(last);
    if (missed !== undefined && missed <= this.options.clock.now()) await this.tick(missed);
    this.arm();
  }

  /** Stops ticking and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Resolves when the run in progress, if any, has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    const { clock } = this.options;
    const next = this.nextTick(clock.now());
    if (next === undefined) return;
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick(next);
      this.arm();
    }, next - clock.now());
  }

  private async tick(tick: number): Promise<void> {
    if (this.running) {
      this.options.onSkip?.(tick);
      return;
    }
    const run = (async () => {
      try {
        await this.options.run(tick);
        await this.options.ledger.recordTick(tick);
      } catch (error) {
        this.options.onError?.(error, tick);
      }
    })();
    this.running = run;
    try {
      await run;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }
}
