import { createHash } from 'node:crypto';
import { Queue, Worker } from 'bullmq';

export interface OwnerRoutingOptions {
  /** Redis, as `redis://host:port`. */
  redisUrl: string;
  /** Keeps several clusters apart on one Redis. */
  prefix?: string;
}

/**
 * Hands accepted actions to the node that owns their session, through BullMQ: one queue per
 * session, worked by its owner alone (concurrency 1, so in order). A job carries only the
 * session and the key; the action itself waits in the outbox, which stays the truth. The job id
 * is derived from the key, so a retried forward adds no second job.
 *
 * @example routing.serve(sessionId, (key) => runner.performQueued(sessionId, key)); await routing.forward(sessionId, key);
 */
export class OwnerRouting {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly connection: { url: string; maxRetriesPerRequest: null };
  private readonly prefix: string;

  constructor(options: OwnerRoutingOptions) {
    // BullMQ's workers block on Redis; ioredis must not give up on their commands.
    this.connection = { url: options.redisUrl, maxRetriesPerRequest: null };
    this.prefix = options.prefix ?? 'whatsapp-connector';
  }

  /** Asks the session's owner to perform the action under `key`. */
  async forward(sessionId: string, key: string): Promise<void> {
    await this.queue(sessionId).add('send', { key }, { jobId: jobId(key), removeOnComplete: true, removeOnFail: true });
  }

  /** This node owns the session now: it performs what is forwarded to it, one at a time. */
  serve(sessionId: string, perform: (key: string) => Promise<void>): void {
    if (this.workers.has(sessionId)) return;
    const worker = new Worker<{ key: string }>(queueName(sessionId), async (job) => perform(job.data.key), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: 1,
    });
    // A lost Redis connection is retried by ioredis; what it reports is not a failed action.
    worker.on('error', () => undefined);
    this.workers.set(sessionId, worker);
  }

  /** The session moves elsewhere: the action being performed finishes, nothing more is taken. */
  async stopServing(sessionId: string): Promise<void> {
    const worker = this.workers.get(sessionId);
    this.workers.delete(sessionId);
    await worker?.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((sessionId) => this.stopServing(sessionId)));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }

  private queue(sessionId: string): Queue {
    let queue = this.queues.get(sessionId);
    if (!queue) {
      queue = new Queue(queueName(sessionId), { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => undefined);
      this.queues.set(sessionId, queue);
    }
    return queue;
  }
}

/** BullMQ names may not hold `:`; session ids are `ses_…`. */
function queueName(sessionId: string): string {
  return `sends-${sessionId}`;
}

function jobId(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
