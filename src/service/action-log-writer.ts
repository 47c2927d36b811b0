import type { ActionLogEntry, Store } from '../store/index.js';

/**
 * Writes the action log in batches: one insert of many entries every `intervalMs`, off the
 * request's path. `flush()` writes what is waiting (the service calls it when it stops).
 * Best-effort by design: a kill loses what waits (see docs/service.md, Storage); an action's
 * durable record is its idempotency record and messages.
 */
export class ActionLogWriter {
  private pending: ActionLogEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 100,
  ) {}

  add(entry: ActionLogEntry): void {
    this.pending.push(entry);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() => this.store.actionLog.appendMany(batch)).then(
        () => undefined,
        (error: unknown) => this.onError(error),
      );
    }
    return this.writing;
  }
}
