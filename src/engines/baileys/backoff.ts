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
