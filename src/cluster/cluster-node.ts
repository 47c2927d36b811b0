import { OwnerRouting } from '../queue/owner-routing.js';
import type { SessionOwner } from '../queue/action-queue.js';
import type { LeaseLog } from './lease-options.js';
import { SessionLeases } from './session-leases.js';

export interface ClusterNodeOptions {
  nodeId: string;
  /** The cluster's name: nodes with one name share sessions; it also keeps their BullMQ keys apart. */
  cluster?: string;
  /** PostgreSQL: the store, and the leases' advisory locks. */
  databaseUrl: string;
  /** Redis: BullMQ's queues from any node to a session's owner. */
  redisUrl: string;
  /** The sessions that should run somewhere: linked or linking ones of this engine. */
  candidates: () => Promise<string[]>;
  /** Held sessions kept here whatever the balance (being linked here); see `SessionLeasesOptions.pinned`. */
  pinned?: (sessionId: string) => boolean;
  /** This node holds the session now: open its socket. */
  open(sessionId: string): Promise<void>;
  /** Perform an action another node forwarded (see `ActionRunner.performQueued`). */
  performQueued(sessionId: string, key: string): Promise<void>;
  /** Send what the outbox still holds for the session (see `ActionRunner.recover`). */
  recover(sessionId: string): Promise<unknown>;
  /** Close the session's socket; the lease goes once it is closed. */
  close(sessionId: string): Promise<void>;
  checkIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  log?: LeaseLog;
}

/**
 * One node of a cluster (docs/cluster.md): holds the leases of its share of the sessions, opens
 * their sockets, works their BullMQ queues, and forwards other sessions' actions to their owners.
 *
 * @example const node = new ClusterNode({ nodeId, databaseUrl, redisUrl, … }); await node.start();
 */
export class ClusterNode {
  readonly owner: SessionOwner;
  private readonly leases: SessionLeases;
  private readonly routing: OwnerRouting;

  constructor(private readonly options: ClusterNodeOptions) {
    this.routing = new OwnerRouting({ redisUrl: options.redisUrl, ...(options.cluster ? { prefix: options.cluster } : {}) });
    this.leases = new SessionLeases({
      ...(options.cluster ? { cluster: options.cluster } : {}),
      databaseUrl: options.databaseUrl,
      nodeId: options.nodeId,
      candidates: options.candidates,
      ...(options.pinned ? { pinned: options.pinned } : {}),
      ...(options.checkIntervalMs !== undefined ? { checkIntervalMs: options.checkIntervalMs } : {}),
      ...(options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
      ...(options.log ? { log: options.log } : {}),
      handlers: {
        acquired: async (sessionId) => {
          await options.open(sessionId);
          this.routing.serve(sessionId, (key) => options.performQueued(sessionId, key));
          await options.recover(sessionId);
        },
        released: async (sessionId) => {
          await this.routing.stopServing(sessionId);
          await options.close(sessionId);
        },
      },
    });
    const owned = (sessionId: string) => this.leases.owned().includes(sessionId);
    this.owner = { isLocal: owned, forward: (entry) => this.routing.forward(entry.sessionId, entry.key, changes.has(entry.action) ? 'changes' : 'sends') };
  }

  /** The sessions whose lease this node holds now. */
  owned(): string[] {
    return this.leases.owned();
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  start(): Promise<void> {
    return this.leases.start();
  }

  /** Takes a new session's lease at once (it is being linked on this node). */
  claim(sessionId: string): Promise<boolean> {
    return this.leases.claim(sessionId);
  }

  /** The session is gone (logged out): its lease is given back. */
  release(sessionId: string): Promise<void> {
    return this.leases.release(sessionId);
  }

  /** Which node holds each session, read from PostgreSQL's locks. */
  ownerOf(sessionIds: string[]): Promise<Map<string, string>> {
    return this.leases.ownerOf(sessionIds);
  }

  /** Hands every session over (their sockets close first), then stops working the queues. */
  async close(): Promise<void> {
    await this.leases.close();
    await this.routing.close();
  }
}

/** Actions that may change a message still queued: they travel apart from the sends (see `RoutingLane`). */
const changes = new Set<string>(['editMessage', 'deleteMessage']);
