import { Queue, Worker } from 'bullmq';
import type { Schedule } from './scheduler.js';

export interface ClusterSchedulerOptions {
  /** Names the scenario: every node that starts a scheduler with this name shares its ticks. */
  name: string;
  schedule: Schedule;
  /** Redis, as `redis://host:port` (cluster mode's `REDIS_URL`). */
  redisUrl: string;
  /** Keeps several clusters apart on one Redis. */
  prefix?: string;
  /** Runs one instance of the scenario for the tick at `tick` (ms since the epoch). */
  run(tick: number): Promise<void>;
  /** Told about a run that failed; the schedule goes on. */
  onError?(error: unknown, tick: number): void;
}

/**
 * The scenario scheduler for a cluster: however many nodes start it, each tick runs once, on one
 * of them. BullMQ's job scheduler makes the ticks (its job id is the scheduler's name and the
 * tick's time, so every node's upsert makes the same job), and a global concurrency of one lets a
 * single run go at a time across the cluster: a tick that finds the last run still going waits
 * for it. A tick missed while every node was down runs once when the first comes back.
 *
 * @example
 * const scheduler = new ClusterScheduler({ name: 'appointment-reminder', schedule, redisUrl, run });
 * await scheduler.start();
 */
export class ClusterScheduler {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly connection: { url: string; maxRetriesPerRequest: null };
  private readonly prefix: string;

  constructor(private readonly options: ClusterSchedulerOptions) {
    this.connection = { url: options.redisUrl, maxRetriesPerRequest: null };
    this.prefix = options.prefix ?? 'whatsapp-connector';
    this.queue = new Queue(queueName(options.name), { connection: this.connection, prefix: this.prefix });
    this.queue.on('error', () => undefined);
  }

  async start(): Promise<void> {
    const { schedule } = this.options;
    await this.queue.setGlobalConcurrency(1);
    await this.queue.upsertJobScheduler('ticks', { pattern: schedule.cron, tz: schedule.timeZone }, { name: 'tick', opts: { removeOnComplete: true, removeOnFail: true } });
    this.worker = new Worker(
      queueName(this.options.name),
      async (job) => {
        // The tick the job was made for (its scheduled time), not when a worker got to it.
        const tick = job.opts.prevMillis ?? job.timestamp;
        try {
          await this.options.run(tick);
        } catch (error) {
          this.options.onError?.(error, tick);
        }
      },
      { connection: this.connection, prefix: this.prefix, concurrency: 1 },
    );
    this.worker.on('error', () => undefined);
  }

  /** Stops taking ticks on this node (a run in progress finishes); the other nodes go on. */
  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }

  /** Ends the schedule for the whole cluster. */
  async remove(): Promise<void> {
    await this.queue.removeJobScheduler('ticks');
  }
}

function queueName(name: string): string {
  return `schedule-${name}`;
}
