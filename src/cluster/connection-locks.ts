import type { LockConnection } from './lock-connection.js';
import { sessionLockKey } from './lock-key.js';

/** A session whose lock a connection holds: kept running, or on its way out (handler, then unlock). */
export type LockState = 'held' | 'leaving';

/**
 * The advisory locks one lock connection holds, and the only way to change them: one change at
 * a time, because session-level advisory locks are re-entrant (a second `pg_try_advisory_lock`
 * of a key the connection holds succeeds again and would then need two unlocks). A new
 * connection gets a new book, so work begun on a lost one can never touch its successor's locks.
 *
 * @example const taken = await locks.exclusive(() => locks.tryLock('ses_1'));
 */
export class ConnectionLocks {
  private readonly states = new Map<string, LockState>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly connection: LockConnection,
    private readonly cluster: string,
  ) {}

  /** Whether the locks are still this node's to use. */
  get usable(): boolean {
    return !this.connection.lost;
  }

  state(sessionId: string): LockState | undefined {
    return this.states.get(sessionId);
  }

  /** The sessions in `state`, or all of them. */
  sessions(state?: LockState): string[] {
    return [...this.states].filter(([, each]) => state === undefined || each === state).map(([id]) => id);
  }

  /** Runs `work` after every lock change queued before it; its failure does not stop the next. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Takes a free session's lock; false when another connection holds it. Call inside `exclusive`. */
  async tryLock(sessionId: string): Promise<boolean> {
    if (this.states.has(sessionId)) return false;
    const [row] = await this.connection.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int8) as ok', [sessionLockKey(this.cluster, sessionId)]);
    // An answer that arrives after the connection was given up is worth nothing.
    if (row?.ok !== true || !this.usable) return false;
    this.states.set(sessionId, 'held');
    return true;
  }

  markLeaving(sessionId: string): void {
    if (this.states.has(sessionId)) this.states.set(sessionId, 'leaving');
  }

  /** Gives a lock back, if this connection (still) holds it. Call inside `exclusive`. */
  async unlock(sessionId: string): Promise<void> {
    if (!this.states.has(sessionId) || !this.usable) return;
    await this.connection.query('select pg_advisory_unlock($1::int8)', [sessionLockKey(this.cluster, sessionId)]);
    this.states.delete(sessionId);
  }

  /** The connection is lost and its locks with it: forgets them all, returning those that were held. */
  forgetAll(): string[] {
    const held = this.sessions('held');
    this.states.clear();
    return held;
  }
}
