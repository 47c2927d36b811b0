import { ConnectorError } from '../domain/errors.js';

/**
 * One lane per session: its actions run one at a time, in the order they were accepted, so the
 * messages of a chat arrive in order and the engine's pace is the only wait. At most `maxQueued`
 * actions wait behind the one running; one more is `RATE_LIMITED` at once.
 *
 * @example const result = await lanes.run(sessionId, () => send());
 */
export class SessionLanes {
  private readonly lanes = new Map<string, { tail: Promise<unknown>; depth: number }>();

  constructor(private readonly maxQueued: number) {}

  /** Actions of the session waiting or running. */
  depth(sessionId: string): number {
    return this.lanes.get(sessionId)?.depth ?? 0;
  }

  /** Refuses when the session's lane is full; `run` would refuse the same way. */
  assertRoom(sessionId: string): void {
    if (this.depth(sessionId) <= this.maxQueued) return;
    throw new ConnectorError('RATE_LIMITED', `Too many actions waiting to be sent by this connection (${this.maxQueued}); try again later`, { maxQueued: this.maxQueued });
  }

  /** Runs `task` after the session's earlier tasks have settled. */
  run<T>(sessionId: string, task: () => Promise<T>, { force = false }: { force?: boolean } = {}): Promise<T> {
    if (!force) this.assertRoom(sessionId);
    const lane = this.lanes.get(sessionId) ?? { tail: Promise.resolve(), depth: 0 };
    lane.depth += 1;
    const result = lane.tail.then(task);
    lane.tail = result.then(
      () => this.left(sessionId, lane),
      () => this.left(sessionId, lane),
    );
    this.lanes.set(sessionId, lane);
    return result;
  }

  /** Resolves once every lane is empty. */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all([...this.lanes.values()].map((lane) => lane.tail));
  }

  private left(sessionId: string, lane: { depth: number }): void {
    lane.depth -= 1;
    if (lane.depth === 0 && this.lanes.get(sessionId) === lane) this.lanes.delete(sessionId);
  }
}
