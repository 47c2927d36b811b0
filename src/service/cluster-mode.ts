import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { ActionRunner } from '../actions/runner.js';
import { ClusterNode } from '../cluster/index.js';
import { ConnectorError } from '../domain/errors.js';
import type { WhatsAppEngine } from '../engines/engine.js';
import type { SessionRecord, Store } from '../store/index.js';
import type { ServiceConfig } from './config.js';
import { isWaking } from './session-restore.js';

/**
 * This service as one node of a cluster (docs/cluster.md): PostgreSQL holds the store and the
 * sessions' leases, Redis carries BullMQ's queues to each session's owner.
 */
export function clusterNode(config: ServiceConfig, store: Store, engine: WhatsAppEngine, runner: () => ActionRunner, reportTo: { log?: FastifyInstance['log'] }): ClusterNode {
  if (store.dialect !== 'postgres' || !config.databaseUrl) {
    throw new ConnectorError('VALIDATION_ERROR', 'REDIS_URL turns on cluster mode, which needs DATABASE_URL=postgres://…: every node must share one PostgreSQL', { variable: 'DATABASE_URL' });
  }
  const log = {
    info: (fields: Record<string, unknown>, message: string) => reportTo.log?.info(fields, message),
    warn: (fields: Record<string, unknown>, message: string) => reportTo.log?.warn(fields, message),
    error: (fields: Record<string, unknown>, message: string) => reportTo.log?.error(fields, message),
  };
  // A session never linked yet is only the business of the node that claimed it (its link stream
  // and QR codes live there): other nodes must not take it between its row and its claim, nor is
  // it balanced away mid-scan. Once linked it is every node's candidate.
  const candidate = (row: SessionRecord) => isWaking(row) && (row.engine ?? engine.kind) === engine.kind && (row.jid !== null || node.owned().includes(row.id));
  // Read at each check: the sessions being linked here, kept here until linked.
  let linkingHere = new Set<string>();
  const node: ClusterNode = new ClusterNode({
    nodeId: config.nodeId ?? `${hostname().slice(0, 24)}-${process.pid}`,
    cluster: config.clusterName,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl ?? '',
    checkIntervalMs: config.leaseCheckMs,
    heartbeatTimeoutMs: config.leaseTimeoutMs,
    log,
    candidates: async () => {
      const rows = (await store.sessions.list()).filter(candidate);
      linkingHere = new Set(rows.filter((row) => row.jid === null).map((row) => row.id));
      return rows.map((row) => row.id);
    },
    pinned: (sessionId) => linkingHere.has(sessionId),
    open: (sessionId) => engine.startSession(sessionId),
    performQueued: (sessionId, key) => runner().performQueued(sessionId, key),
    recover: (sessionId) => runner().recover([sessionId]),
    close: (sessionId) => engine.stopSession(sessionId),
  });
  return node;
}

/** A new session starts linking on the node that created it: that node takes its lease first. */
export async function claimNew(cluster: ClusterNode, sessionId: string): Promise<void> {
  if (!(await cluster.claim(sessionId))) throw new ConnectorError('SHUTTING_DOWN', `Node ${cluster.nodeId} cannot take new sessions now`, { sessionId });
}
