export interface BackoffOptions {
  /** The first retry's delay. */
  initialMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1_000, maxMs: 60_000 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential, capped, with full
 * jitter so that many sessions dropped by one network failure do not all come back at once.
 *
 * @example reconnectDelay(3, defaultBackoff, () => 0.5) // 4000: half of 1 s × 2³
 */
export function reconnectDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * random());
}

/**
 * The reconnects of one session: each `schedule` waits longer than the last (see
 * `reconnectDelay`), until a connection that works calls `reset`.
 */
export class ReconnectSchedule {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BackoffOptions) {}

  /** Runs `reconnect` after the next delay; answers the delay in ms. */
  schedule(reconnect: () => void): number {
    this.cancel();
    const delayMs = reconnectDelay(this.attempt++, this.options);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      reconnect();
    }, delayMs);
    return delayMs;
  }

  reset(): void {
    this.attempt = 0;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
