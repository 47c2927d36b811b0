import type { Clock } from '../domain/clock.js';
import type { ServerKeepalive } from './partition-margin.js';

/**
 * Why a node lets a session go: `handover` (another node should take it, to even the spread),
 * `lost` (the node's lock connection failed; the lease may already be someone else's), `shutdown`
 * (the node is closing), `dropped` (no longer a candidate, or released on purpose).
 */
export type ReleaseReason = 'handover' | 'lost' | 'shutdown' | 'dropped';

/**
 * What a node does when it gains or gives up a session; both are serialised per session. An
 * `acquired` that throws must leave nothing open: the lease is given back and tried again at a
 * later check, by this node or another.
 */
export interface LeaseHandlers {
  /** Open the session's socket: this node now holds its lease. */
  acquired(sessionId: string): Promise<void>;
  /** Close the session's socket; resolve once it is closed. */
  released(sessionId: string, reason: ReleaseReason): Promise<void>;
}

/** Where the leases report: a pino-like logger (Fastify's `app.log` fits). */
export interface LeaseLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLeaseLog: LeaseLog = { info: () => {}, warn: () => {}, error: () => {} };

export interface SessionLeasesOptions {
  /** A `postgres://…` URL; the node opens one dedicated connection to it. */
  databaseUrl: string;
  /** This node's id, unique in the cluster (e.g. host name and pid). */
  nodeId: string;
  /** The session ids that should be running somewhere in the cluster. */
  candidates: () => Promise<string[]>;
  /**
   * Held sessions that stay on this node whatever the balance, outside the shares: a session being
   * linked here (its QR codes come from this node's socket). Dropped when no longer a candidate.
   */
  pinned?: (sessionId: string) => boolean;
  handlers: LeaseHandlers;
  /** How often the node heartbeats its lock connection and balances (default 2000 ms). */
  checkIntervalMs?: number;
  /** How long a heartbeat (or any lock query) may take before the leases count as lost (default 3000 ms). */
  heartbeatTimeoutMs?: number;
  /** When PostgreSQL gives up on a silent node; must leave a margin over the node's own give-up. */
  serverKeepalive?: ServerKeepalive;
  /**
   * Names the cluster: the prefix of the nodes' `application_name` and the namespace of the lock
   * keys (default `whatsapp-connector`). Two clusters on one database must differ here.
   */
  cluster?: string;
  clock?: Clock;
  log?: LeaseLog;
}
