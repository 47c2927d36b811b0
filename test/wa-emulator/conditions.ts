/**
 * Promises that resolve once a condition holds, re-checked whenever the owner reports a change
 * (a message recorded, an ack sent, a socket event). One mechanism for every wait in the tests.
 */
export class Conditions {
  private readonly pending = new Set<() => void>();

  /** Resolves once `holds()` is true; rejects after `timeoutMs`, naming `what` it waited for. */
  until(holds: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!holds()) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        this.pending.delete(check);
      };
      this.pending.add(check);
    });
  }

  /** Something changed: re-check every pending condition. */
  changed(): void {
    for (const check of [...this.pending]) check();
  }
}
