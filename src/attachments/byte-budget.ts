import { ConnectorError } from '../domain/errors.js';
import { attachmentBudgets } from '../domain/limits.js';

/**
 * How many attachment bytes the whole process may hold at once (on disk while they wait to be sent,
 * and in the buffers that carry them). Every request takes its bytes from this one budget as they
 * are known (the Content-Length, or each chunk of a body without one) and gives them back once its
 * messages are sent or failed, so a burst of large sends is refused with RATE_LIMITED instead of
 * filling the disk and the memory of a process that also serves everyone else.
 *
 * @example
 * const budget = new ByteBudget(1024 * 1024 * 1024);
 * const request = budget.forRequest(200 * 1024 * 1024);
 * request.take(50 * 1024 * 1024); // ATTACHMENT_TOO_LARGE or RATE_LIMITED when it does not fit
 * request.release();
 */
export class ByteBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  /** Bytes taken and not yet given back. */
  get inUse(): number {
    return this.held;
  }

  /**
   * A share for one request, which may take at most `requestLimit` bytes in total, and never more
   * than the whole process budget: what could not fit even alone is too large, not a reason to retry.
   */
  forRequest(requestLimit: number): RequestBudget {
    return new RequestBudget(this, Math.min(requestLimit, this.limit));
  }

  /** @internal Taken by a RequestBudget; RATE_LIMITED when the process is full. */
  take(bytes: number): void {
    if (this.held + bytes > this.limit) {
      const { retryAfterMs } = attachmentBudgets;
      throw new ConnectorError(
        'RATE_LIMITED',
        `attachments of other requests already take ${this.held} of the ${this.limit} bytes this connector holds at once; retry with the same idempotency key in ${retryAfterMs / 1000} s`,
        { limit: this.limit, inUse: this.held, requested: bytes, retryAfterMs },
      );
    }
    this.held += bytes;
  }

  /** @internal */
  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}

/** One request's share of the process budget; `release` gives everything back and may be called again. */
export class RequestBudget {
  private held = 0;

  constructor(
    private readonly process: ByteBudget,
    readonly limit: number,
  ) {}

  get taken(): number {
    return this.held;
  }

  /**
   * Takes `bytes` more: ATTACHMENT_TOO_LARGE past the request's limit (no retry helps),
   * RATE_LIMITED past the process's (a retry later does).
   */
  take(bytes: number): void {
    if (this.held + bytes > this.limit) {
      throw new ConnectorError(
        'ATTACHMENT_TOO_LARGE',
        `the attachments of this action would take more than ${this.limit} bytes, the most one action may carry; send fewer or smaller files per action`,
        { requestLimit: this.limit, taken: this.held, requested: bytes },
      );
    }
    this.process.take(bytes);
    this.held += bytes;
  }

  release(): void {
    this.process.give(this.held);
    this.held = 0;
  }
}
