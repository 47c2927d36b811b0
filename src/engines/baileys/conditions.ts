/**
 * Promises that resolve once a condition holds, re-checked whenever the owner reports a change
 * (a socket opened, an ack arrived, a message was recorded). One mechanism for every wait of the
 * engine and of the protocol emulator's tests.
 */
export class Conditions {
  private readonly pending = new Set<() => void>();

  /**
   * Resolves once `holds()` is true; rejects after `timeoutMs` naming `what` it waited for, or
   * with the signal's reason when `signal` aborts first.
   */
  until(holds: () => boolean, what: () => string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (holds()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!holds()) return;
        stop();
        resolve();
      };
      const onAbort = () => {
        stop();
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(check);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(check);
    });
  }

  /** Something changed: re-check every pending condition. */
  changed(): void {
    for (const check of [...this.pending]) check();
  }
}
