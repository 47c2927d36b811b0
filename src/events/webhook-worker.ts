import type { AddressPolicy } from '../attachments/address-policy.js';
import type { HostLookup } from '../attachments/resolve-target.js';
import type { Clock } from '../domain/clock.js';
import { decrypt } from '../service/secrets.js';
import type { AttemptOutcome, DeliveryRow, EventRepository } from '../store/events.js';
import { postWebhook } from './post-webhook.js';
import { signedHeaders } from './signature.js';

export interface RetrySchedule {
  /** Wait after the first failed attempt; each further failure waits 4× longer, up to `maxMs`. */
  firstMs: number;
  maxMs: number;
  /** After this long since the event, a failing delivery is given up (`failed`). */
  giveUpMs: number;
}

/** Standard Webhooks' advice, roughly: quick retries first, then hours apart, for more than a day. */
export const defaultRetrySchedule: RetrySchedule = { firstMs: 5_000, maxMs: 4 * 3_600_000, giveUpMs: 26 * 3_600_000 };

export interface WebhookWorkerOptions {
  events: EventRepository;
  clock: Pick<Clock, 'now'>;
  secretKey: Buffer;
  policy: AddressPolicy;
  lookup: HostLookup;
  retry: RetrySchedule;
  /** One attempt's limit: no answer by then is a failed attempt. */
  timeoutMs: number;
  /** How often to look for due deliveries when nothing new was recorded. */
  pollMs: number;
  /** Attempts under way at once (each to a different chat's line). */
  batch: number;
}

/**
 * Delivers what the event log recorded: each due delivery, first in its chat's line, POSTed and
 * signed; 2xx is delivered, anything else is retried on the schedule with the same `webhook-id`,
 * until given up. Every attempt is recorded on its row, which is the deliveries view. Several
 * nodes may run one each: a row is taken for an attempt by one of them (`EventRepository.claim`).
 *
 * @example const worker = new WebhookWorker(options); worker.start(); log.subscribe(() => worker.wake());
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: WebhookWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Something was recorded (or a retry came due): look now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) return void ((this.again = false), this.wake());
      this.timer = setTimeout(() => this.wake(), this.options.pollMs);
      this.timer.unref();
    });
  }

  /** Stops looking; an attempt under way finishes (its outcome is recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await this.options.events.due(this.options.batch).catch(() => []);
      if (due.length === 0 || this.stopped) return;
      await Promise.all(due.map((delivery) => this.attempt(delivery)));
    }
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const { events, clock, timeoutMs } = this.options;
    try {
      if (!(await events.claim(delivery, clock.now() + timeoutMs * 2))) return;
      const [webhook, stored] = await Promise.all([events.webhook(delivery.webhookId), events.event(delivery.eventSeq)]);
      if (!webhook || !stored) return await events.recordAttempt(delivery.id, { delivered: false, error: 'the webhook or its event is gone' });
      const body = JSON.stringify(stored.event);
      const secret = decrypt(this.options.secretKey, webhook.sealedSecret);
      // The wall clock, not the service's: receivers check the timestamp against theirs to refuse replays.
      const headers = signedHeaders(secret, stored.event.id, Math.floor(Date.now() / 1000), body);
      const posted = await postWebhook({ url: new URL(webhook.url), body, headers, policy: this.options.policy, lookup: this.options.lookup, timeoutMs });
      await events.recordAttempt(delivery.id, this.outcome(delivery, posted));
    } catch {
      // The store did not answer: the row stays pending and is taken again once its claim runs out.
    }
  }

  private outcome(delivery: DeliveryRow, posted: { status: number } | { error: string }): AttemptOutcome {
    if ('status' in posted && posted.status >= 200 && posted.status < 300) return { delivered: true, status: posted.status };
    const error = 'error' in posted ? posted.error : `the endpoint answered ${posted.status}`;
    const status = 'status' in posted ? { status: posted.status } : {};
    const { firstMs, maxMs, giveUpMs } = this.options.retry;
    const now = this.options.clock.now();
    const wait = Math.min(firstMs * 4 ** delivery.attempts, maxMs) * (0.8 + Math.random() * 0.4);
    if (now + wait - delivery.createdAt > giveUpMs) return { delivered: false, ...status, error };
    return { delivered: false, ...status, error, retryAt: Math.round(now + wait) };
  }
}
