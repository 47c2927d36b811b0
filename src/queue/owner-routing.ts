import { createHash } from 'node:crypto';
import { Queue, Worker } from 'bullmq';

export interface OwnerRoutingOptions {
  /** Redis, as `redis://host:port`. */
  redisUrl: string;
  /** Keeps several clusters apart on one Redis. */
  prefix?: string;
}

/**
 * Which of a session's two queues an action goes by: edits and deletions by their own, so that
 * one of a message still waiting in the sends' queue reaches the owner before that message does.
 */
export type RoutingLane = 'sends' | 'changes';

/**
 * Hands accepted actions to the node that owns their session, through BullMQ: one queue of sends
 * per session, worked by its owner alone (concurrency 1, so in order), and one of changes (edits
 * and deletions), which the owner applies to a message still queued or performs in turn. A job carries only the
 * session and the key; the action itself waits in the outbox, which stays the truth. The job id
 * is derived from the key, so a retried forward adds no second job.
 *
 * @example routing.serve(sessionId, (key) => runner.performQueued(sessionId, key)); await routing.forward(sessionId, key);
 */
export class OwnerRouting {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker[]>();
  private readonly connection: { url: string; maxRetriesPerRequest: null };
  private readonly prefix: string;

  constructor(options: OwnerRoutingOptions) {
    // BullMQ's workers block on Redis; ioredis must not give up on their commands.
    this.connection = { url: options.redisUrl, maxRetriesPerRequest: null };
    this.prefix = options.prefix ?? 'whatsapp-connector';
  }

  /** Asks the session's owner to perform the action under `key`. */
  async forward(sessionId: string, key: string, lane: RoutingLane = 'sends'): Promise<void> {
    await this.queue(sessionId, lane).add('send', { key }, { jobId: jobId(key), removeOnComplete: true, removeOnFail: true });
  }

  /** This node owns the session now: it performs what is forwarded to it, one at a time. */
  serve(sessionId: string, perform: (key: string) => Promise<void>): void {
    if (this.workers.has(sessionId)) return;
    const workers = lanes.map((lane) => {
      const worker = new Worker<{ key: string }>(queueName(sessionId, lane), async (job) => perform(job.data.key), {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: 1,
      });
      // A lost Redis connection is retried by ioredis; what it reports is not a failed action.
      worker.on('error', () => undefined);
      return worker;
    });
    this.workers.set(sessionId, workers);
  }

  /** The session moves elsewhere: the action being performed finishes, nothing more is taken. */
  async stopServing(sessionId: string): Promise<void> {
    const workers = this.workers.get(sessionId) ?? [];
    this.workers.delete(sessionId);
    await Promise.all(workers.map((worker) => worker.close()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((sessionId) => this.stopServing(sessionId)));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }

  private queue(sessionId: string, lane: RoutingLane): Queue {
    const name = queueName(sessionId, lane);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }
}

const lanes: readonly RoutingLane[] = ['sends', 'changes'];

/** BullMQ names may not hold `:`; session ids are `ses_…`. */
function queueName(sessionId: string, lane: RoutingLane): string {
  return `${lane}-${sessionId}`;
}

function jobId(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
