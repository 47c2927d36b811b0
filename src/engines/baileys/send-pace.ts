import type { Clock, TimerHandle } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';

export interface SendPaceOptions {
  /** Least time between two sends of one account. WhatsApp flags accounts that send in bursts. */
  intervalMs: number;
  /** Sends that may wait their turn; one more is refused with RATE_LIMITED. */
  maxQueued: number;
}

/**
 * One account's sends, one at a time and at most one per `intervalMs`: in order, so the Signal
 * sessions they advance stay consistent, and paced, so the account does not look like a spammer.
 * A caller that finds the queue full gets `RATE_LIMITED` at once rather than an unbounded wait.
 *
 * @example await pace.run(() => sock.sendMessage(jid, content));
 */
export class SendPace {
  private readonly waiting: (() => void)[] = [];
  private busy = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: SendPaceOptions,
  ) {}

  /** Sends waiting for their turn, not counting the one under way. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(send: () => Promise<T>): Promise<T> {
    if (this.busy || this.waiting.length > 0) {
      if (this.waiting.length >= this.options.maxQueued) {
        throw new ConnectorError('RATE_LIMITED', `Too many messages waiting to be sent by this connection (${this.options.maxQueued}); try again later`, {
          maxQueued: this.options.maxQueued,
          intervalMs: this.options.intervalMs,
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.busy = true;
    try {
      const wait = this.lastStart + this.options.intervalMs - this.clock.now();
      if (wait > 0) await new Promise<void>((resolve) => (this.timer = this.clock.setTimeout(resolve, wait)));
      this.lastStart = this.clock.now();
      return await send();
    } finally {
      this.timer = undefined;
      this.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** Stops a pending wait's timer (the session is closing). */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }
}
