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
  private wake: (() => void) | undefined;
  /** Set by `close`: the sends still queued then run without waiting (they fail fast on a closed session). */
  private draining = false;

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
      const wait = this.draining ? 0 : this.lastStart + this.options.intervalMs - this.clock.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = this.clock.setTimeout(resolve, wait);
        });
      }
      this.lastStart = this.clock.now();
      return await send();
    } finally {
      this.timer = undefined;
      this.wake = undefined;
      this.busy = false;
      if (this.waiting.length === 0) this.draining = false;
      this.waiting.shift()?.();
    }
  }

  /**
   * The session is closing: the send waiting for its turn, and every one queued behind it, runs at
   * once instead of hanging on a pace nobody keeps any more; each then fails with its own code.
   */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.draining = this.busy || this.waiting.length > 0;
    this.wake?.();
  }
}
