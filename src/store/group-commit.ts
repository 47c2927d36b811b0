/**
 * Writes that arrive together commit together. Items added while the event loop works through
 * one batch of requests are written by a single `write` call (one transaction), scheduled with
 * `setImmediate`; each `add` resolves once its batch has committed, or rejects with its error.
 * A batch that fails is written again item by item, so one bad item fails alone.
 * A durable commit costs a disk flush (about half a millisecond on SQLite with
 * `synchronous=FULL`), so sharing it is what lets the store keep up with many actions a second
 * without acknowledging anything that is not yet on disk.
 *
 * @example const commit = new GroupCommit<Row>((rows) => insertAll(rows)); await commit.add(row);
 */
export class GroupCommit<T> {
  private pending: Array<{ item: T; settle: Settle }> = [];
  private draining = false;

  /**
   * @param write commits one batch in one transaction; it is never called concurrently.
   * @param maxBatch the most items one `write` receives.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 256,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, settle: { resolve, reject } });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Writes batch after batch until nothing waits; what arrives during a write joins the next. */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        await this.write(batch.map(({ item }) => item));
        for (const { settle } of batch) settle.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]?.settle.reject(error);
        else await this.writeOneByOne(batch);
      }
    }
    this.draining = false;
  }

  /**
   * A failed batch rolled back as a whole, though usually one item caused it (a value the
   * database refuses): written again one by one, only that item fails and the others, which may
   * belong to any caller, still commit.
   */
  private async writeOneByOne(batch: Array<{ item: T; settle: Settle }>): Promise<void> {
    for (const { item, settle } of batch) {
      try {
        await this.write([item]);
        settle.resolve();
      } catch (error) {
        settle.reject(error);
      }
    }
  }
}

interface Settle {
  resolve: () => void;
  reject: (error: unknown) => void;
}
