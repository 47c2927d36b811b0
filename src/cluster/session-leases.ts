import { systemClock, type Clock, type TimerHandle } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import { planBalance } from './balance.js';
import { applicationName, liveNodes, lockHolders } from './cluster-view.js';
import { ConnectionLocks } from './connection-locks.js';
import { silentLeaseLog, type LeaseHandlers, type LeaseLog, type ReleaseReason, type SessionLeasesOptions } from './lease-options.js';
import { LockConnection, lockConnectionUrl } from './lock-connection.js';
import { sessionLockKey } from './lock-key.js';
import { assertPartitionMargin, defaultServerKeepalive, nodeGiveUpMs, serverGiveUpMs } from './partition-margin.js';
import { SessionLanes } from '../queue/lanes.js';

/**
 * Which node runs each linked session, decided by PostgreSQL session-level advisory locks: a
 * node owns a session while its one lock connection holds the session's lock, and the database
 * frees every lock of a connection that closes (a graceful stop, a kill -9, a dropped network).
 * Each check (every `checkIntervalMs`) heartbeats that connection, then evens out the sessions
 * over the live nodes. See docs/cluster.md#session-ownership.
 *
 * Partition safety: a node that cannot reach the database gives up all its leases after at most
 * `checkIntervalMs + heartbeatTimeoutMs` (5 s by default) and closes their sockets; the server's
 * TCP keepalive on the lock connection keeps the locks at least `serverKeepalive` long (16 s by
 * default) after the last packet it got, so no other node can open those sockets before the
 * silent one has given up; the constructor refuses settings that leave less than that margin.
 *
 * @example
 * const leases = new SessionLeases({ databaseUrl, nodeId: 'node-a', candidates: listLinkedSessions,
 *   handlers: { acquired: (id) => engine.open(id), released: (id) => engine.close(id) } });
 * await leases.start();
 * // … on SIGTERM:
 * await leases.close();
 */
export class SessionLeases {
  private readonly cluster: string;
  private readonly nodeId: string;
  private readonly checkIntervalMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly url: string;
  private readonly handlers: LeaseHandlers;
  private readonly candidates: () => Promise<string[]>;
  private readonly pinned: (sessionId: string) => boolean;
  private readonly clock: Clock;
  private readonly log: LeaseLog;
  /** How long the sockets of lost leases may take to close before their connection is dropped. */
  private readonly lostCloseWaitMs: number;

  /** The lock connection; work begun on an earlier one never touches the current one's locks. */
  /** The current lock connection's locks; undefined while reconnecting. */
  private locks: ConnectionLocks | undefined;
  /** A session's acquire and release never overlap; a slow one holds up only its own session. */
  private readonly perSession = new SessionLanes(Number.POSITIVE_INFINITY);
  private timer: TimerHandle | undefined;
  private ticking: Promise<void> | undefined;
  private balancing: Promise<void> | undefined;
  private recovering: Promise<void> | undefined;
  /** After a loss the node waits a check interval before it reconnects, instead of hammering a failing server. */
  private reconnectAt = 0;
  private closing = false;

  constructor(options: SessionLeasesOptions) {
    this.cluster = options.cluster ?? 'whatsapp-connector';
    this.nodeId = options.nodeId;
    this.checkIntervalMs = options.checkIntervalMs ?? 2000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
    const keepalive = options.serverKeepalive ?? defaultServerKeepalive;
    assertPartitionMargin(this.checkIntervalMs, this.heartbeatTimeoutMs, keepalive);
    const name = applicationName(this.cluster, this.nodeId);
    // PostgreSQL cuts application_name at 63 bytes, which would hide the node's id.
    if (this.nodeId === '' || Buffer.byteLength(name) > 63) {
      throw new ConnectorError('VALIDATION_ERROR', `Cluster name and node id must fit 63 bytes together and the id must not be empty: "${name}"`, { nodeId: this.nodeId });
    }
    this.url = lockConnectionUrl(options.databaseUrl, name, keepalive);
    this.lostCloseWaitMs = serverGiveUpMs(keepalive) - nodeGiveUpMs(this.checkIntervalMs, this.heartbeatTimeoutMs);
    this.handlers = options.handlers;
    this.candidates = options.candidates;
    this.pinned = options.pinned ?? (() => false);
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLeaseLog;
  }

  /**
   * Opens the lock connection, takes this node's share of the sessions and starts checking.
   * Rejects when the database cannot be reached at all; later losses reconnect by themselves.
   *
   * @example await leases.start(); leases.owned() // ['ses_1', 'ses_7', …]
   */
  async start(): Promise<void> {
    await this.connect();
    await this.balance();
    this.schedule();
  }

  /**
   * Takes a free session at once (a link being created on this node, say) and runs `acquired`
   * for it; false when another node holds it. The session must already be among the candidates,
   * or the next check drops it again.
   *
   * @example if (await leases.claim(sessionId)) startLinking(sessionId);
   */
  async claim(sessionId: string): Promise<boolean> {
    if (this.closing) throw new ConnectorError('SHUTTING_DOWN', 'Session leases are closing');
    // A release still under way finishes first: its unlock must not meet this lock.
    await this.perSession.run(sessionId, async () => {});
    const locks = this.usableLocks();
    if (locks === undefined) return false;
    const taken = await locks.exclusive(async () => locks.state(sessionId) ?? ((await locks.tryLock(sessionId)) ? 'taken' : 'refused'));
    if (taken === 'taken') await this.perSession.run(sessionId, () => this.runAcquired(sessionId, locks, true));
    return taken === 'taken' || taken === 'held';
  }

  /**
   * Lets a session go (a logout, say): `released(id, 'dropped')`, then the unlock. While it stays
   * a candidate, some node takes it again at its next check.
   *
   * @example await leases.release(sessionId);
   */
  async release(sessionId: string): Promise<void> {
    const locks = this.usableLocks();
    if (locks?.state(sessionId) === 'held') await this.letGo(sessionId, 'dropped', locks);
  }

  /**
   * The sessions whose lock this node holds, those being handed over included.
   *
   * @example leases.owned().includes(sessionId)
   */
  owned(): string[] {
    return this.locks?.sessions() ?? [];
  }

  /**
   * Which node holds each session's lock, read from pg_locks (the truth, not a copy); sessions
   * nobody holds are absent.
   *
   * @example (await leases.ownerOf(['ses_1'])).get('ses_1') // 'node-b'
   */
  async ownerOf(sessionIds: string[]): Promise<Map<string, string>> {
    const keys = new Map(sessionIds.map((id) => [sessionLockKey(this.cluster, id), id]));
    const holders = await lockHolders(this.currentConnection(), this.cluster, [...keys.keys()]);
    const owners = new Map<string, string>();
    for (const [key, holder] of holders) if (holder.nodeId !== undefined) owners.set(keys.get(key)!, holder.nodeId);
    return owners;
  }

  /**
   * The ids of the cluster's live nodes (those with an open lock connection), this one included.
   *
   * @example await leases.nodes() // ['node-a', 'node-b']
   */
  async nodes(): Promise<string[]> {
    return [...new Set((await liveNodes(this.currentConnection(), this.cluster)).map((node) => node.nodeId))];
  }

  /**
   * Graceful stop: `released(id, 'shutdown')` and the unlock for every session, then the
   * connection closes; the other nodes take the sessions at their next check.
   *
   * @example process.once('SIGTERM', () => void leases.close());
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    await this.ticking;
    await this.balancing;
    const locks = this.usableLocks();
    if (locks !== undefined) await Promise.all(locks.sessions('held').map((id) => this.letGo(id, 'shutdown', locks)));
    await this.perSession.idle();
    await this.recovering;
    await this.locks?.connection.close();
    this.locks = undefined;
  }

  private schedule(): void {
    if (this.closing) return;
    this.timer = this.clock.setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule();
      });
    }, this.checkIntervalMs);
  }

  /** One check: the heartbeat (or a reconnect), then a balance unless the last one still runs. */
  private async tick(): Promise<void> {
    const locks = this.locks;
    if (this.recovering !== undefined || (locks === undefined && this.clock.now() < this.reconnectAt)) return;
    try {
      if (locks === undefined) await this.connect();
      else await locks.connection.query('select 1');
    } catch (error) {
      if (locks !== undefined) this.lose(locks, `heartbeat failed: ${message(error)}`);
      else this.log.warn({ err: error, nodeId: this.nodeId }, 'lock connection cannot be opened; trying again at the next check');
      return;
    }
    // The balance runs beside the heartbeats, so a slow candidates() cannot delay them.
    this.balancing ??= this.balance().finally(() => (this.balancing = undefined));
  }

  private async connect(): Promise<void> {
    const connection = await LockConnection.open({
      url: this.url,
      timeoutMs: this.heartbeatTimeoutMs,
      clock: this.clock,
      onLost: (reason) => this.lose(locks, reason),
    });
    const locks = new ConnectionLocks(connection, this.cluster);
    this.locks = locks;
    this.log.info({ nodeId: this.nodeId, pid: connection.pid }, 'lock connection open');
  }

  private async balance(): Promise<void> {
    try {
      // A session claimed while the candidates are read may be missing from them (its row came
      // after the read): this check leaves it alone rather than drop it the moment it was claimed.
      const heldBefore = new Set(this.locks?.sessions('held') ?? []);
      const candidates = [...new Set(await this.candidates())];
      const locks = this.usableLocks();
      if (locks === undefined) return;
      await locks.exclusive(async () => {
        const nodes = await liveNodes(locks.connection, this.cluster);
        const keys = new Map(candidates.map((id) => [sessionLockKey(this.cluster, id), id]));
        const holders = await lockHolders(locks.connection, this.cluster, [...keys.keys()]);
        const heldElsewhere = new Set([...holders].filter(([, holder]) => holder.pid !== locks.connection.pid).map(([key]) => keys.get(key)!));
        const held = new Set(locks.sessions('held').filter((id) => heldBefore.has(id)));
        const leaving = new Set(locks.sessions('leaving'));
        // Pinned sessions are outside the shares: never handed over, never counted.
        const shared = candidates.filter((id) => !this.pinned(id));
        const heldShared = new Set([...held].filter((id) => !this.pinned(id)));
        const plan = planBalance({ nodes, selfPid: locks.connection.pid, candidates: shared, held: heldShared, leaving, heldElsewhere });
        const stale = [...held].filter((id) => this.pinned(id) && !candidates.includes(id));
        for (const id of [...plan.drop, ...stale]) void this.letGo(id, 'dropped', locks);
        for (const id of plan.handOver) void this.letGo(id, 'handover', locks);
        let count = heldShared.size - plan.drop.length - plan.handOver.length;
        for (const id of plan.tryToTake) {
          if (count >= plan.target || this.closing || !locks.usable) break;
          if (!(await locks.tryLock(id))) continue;
          count += 1;
          void this.perSession.run(id, () => this.runAcquired(id, locks, false));
        }
      });
    } catch (error) {
      this.log.warn({ err: error, nodeId: this.nodeId }, 'balance skipped');
    }
  }

  private async runAcquired(sessionId: string, locks: ConnectionLocks, rethrow: boolean): Promise<void> {
    try {
      await this.handlers.acquired(sessionId);
    } catch (error) {
      this.log.error({ err: error, sessionId, nodeId: this.nodeId }, 'session not opened; its lease is given back');
      await this.unlock(sessionId, locks);
      if (rethrow) throw error;
    }
  }

  /** Marks the session leaving, then (in its turn) closes it and only then unlocks it. */
  private letGo(sessionId: string, reason: ReleaseReason, locks: ConnectionLocks): Promise<void> {
    locks.markLeaving(sessionId);
    return this.perSession.run(sessionId, async () => {
      await this.runReleased(sessionId, reason);
      await this.unlock(sessionId, locks);
    });
  }

  private async runReleased(sessionId: string, reason: ReleaseReason): Promise<void> {
    try {
      await this.handlers.released(sessionId, reason);
    } catch (error) {
      this.log.error({ err: error, sessionId, reason, nodeId: this.nodeId }, 'session release handler failed');
    }
  }

  private async unlock(sessionId: string, locks: ConnectionLocks): Promise<void> {
    await locks
      .exclusive(() => locks.unlock(sessionId))
      .catch((error: unknown) => this.log.warn({ err: error, sessionId, nodeId: this.nodeId }, 'unlock failed; the lock connection is lost'));
  }

  /**
   * The connection failed: every lease may be gone, so every socket closes now (all at once,
   * each after its own pending handler). The connection itself is dropped only once they are
   * closed (or after the partition margin): a server that is merely slow keeps the locks, and so
   * keeps other nodes off those sessions, while the sockets close.
   */
  private lose(locks: ConnectionLocks, reason: string): void {
    if (locks !== this.locks) return;
    this.locks = undefined;
    // Sessions already leaving have their release queued; they only lose the unlock.
    const held = locks.forgetAll();
    this.log.warn({ nodeId: this.nodeId, sessions: held.length, reason }, 'lock connection lost: closing every session it held');
    const closed = Promise.all(held.map((id) => this.perSession.run(id, () => this.runReleased(id, 'lost'))));
    this.recovering = waitAtMost(closed, this.lostCloseWaitMs, this.clock).finally(() => {
      locks.connection.destroy();
      this.recovering = undefined;
      this.reconnectAt = this.clock.now() + this.checkIntervalMs;
    });
  }

  private usableLocks(): ConnectionLocks | undefined {
    return this.locks?.usable === true ? this.locks : undefined;
  }

  private currentConnection(): LockConnection {
    const locks = this.usableLocks();
    if (locks === undefined) throw new ConnectorError('INTERNAL', 'The lock connection is reconnecting; try again');
    return locks.connection;
  }
}

function waitAtMost(work: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void work.finally(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
