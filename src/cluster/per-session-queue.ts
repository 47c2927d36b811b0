/**
 * Runs tasks one after another per key and side by side across keys: a session's `acquired` and
 * `released` handlers never overlap, while a slow one holds up only its own session.
 *
 * @example queue.run('ses_1', () => handlers.acquired('ses_1')); await queue.idle();
 */
export class PerSessionQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after the key's earlier tasks; resolves or rejects as the task does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
