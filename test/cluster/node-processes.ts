// Connector nodes as real processes (`serve` through tsx, as test/support/cli.ts runs it) on one
// PostgreSQL, Redis and emulator, and what the cluster tests read of them from outside.
import type pg from 'pg';
import { lockHolders, type RowReader } from '../../src/cluster/cluster-view.js';
import { sessionLockKey } from '../../src/cluster/index.js';
import type { WaEmulator } from '../wa-emulator/index.js';
import { cliEnvironment, servedAt, spawnCli, type CliProcess } from '../support/cli.js';
import { tempDir } from '../support/service.js';

export const clusterAdminKey = 'cluster-admin-key-0123456789';

/** What every node of one test cluster shares: the same database, Redis, cluster name and keys. */
export interface ClusterSetting {
  databaseUrl: string;
  redisUrl: string;
  cluster: string;
  emulator: WaEmulator;
  /** More variables, e.g. a shorter lease check. */
  extra?: Record<string, string>;
}

export interface NodeProcess {
  nodeId: string;
  url: string;
  cli: CliProcess;
  /** The process is gone (killed or stopped). */
  exited: Promise<number | null>;
}

/** Starts one node as its own process and waits until it listens. */
export async function startNode(nodeId: string, setting: ClusterSetting): Promise<NodeProcess> {
  const cli = spawnCli(
    ['serve'],
    cliEnvironment({
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: setting.databaseUrl,
      REDIS_URL: setting.redisUrl,
      CONNECTOR_CLUSTER: setting.cluster,
      CONNECTOR_NODE_ID: nodeId,
      // Every node must decrypt the auth state another node stored: one secret for all.
      CONNECTOR_SECRET_KEY: 'cluster-test-secret-key-0123456789abcdef',
      CONNECTOR_ADMIN_KEY: clusterAdminKey,
      CONNECTOR_DATA_DIR: tempDir(),
      CONNECTOR_ENGINE: 'baileys',
      CONNECTOR_WA_URL: setting.emulator.url,
      CONNECTOR_WA_ROOT_KEY: Buffer.from(setting.emulator.rootPublicKey).toString('base64'),
      CONNECTOR_TRUST_TEST_ROOT: '1',
      CONNECTOR_SEND_INTERVAL_MS: '0',
      LOG_LEVEL: process.env.CLUSTER_TEST_LOG ?? 'warn',
      ...setting.extra,
    }),
  );
  if (process.env.CLUSTER_TEST_LOG) for (const stream of [cli.child.stdout, cli.child.stderr]) stream.on('data', (chunk: Buffer) => process.stderr.write(`[${nodeId}] ${chunk.toString()}`));
  return { nodeId, url: await servedAt(cli), cli, exited: cli.exited };
}

/** The owner node of each session, as the database's locks say (sessions nobody holds are absent). */
export async function ownersOf(client: pg.Client, cluster: string, sessionIds: string[]): Promise<Map<string, string>> {
  const reader: RowReader = { query: async (sql, params) => (await client.query(sql, params)).rows };
  const keyOf = new Map(sessionIds.map((id) => [sessionLockKey(cluster, id), id]));
  const holders = await lockHolders(reader, cluster, [...keyOf.keys()]);
  const owners = new Map<string, string>();
  for (const [key, holder] of holders) if (holder.nodeId !== undefined) owners.set(keyOf.get(key)!, holder.nodeId);
  return owners;
}

/** How many sessions each node owns, e.g. `{ 'node-1': 10, 'node-2': 10, 'node-3': 10 }`. */
export function spread(owners: Map<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of [...owners.values()].sort()) counts[node] = (counts[node] ?? 0) + 1;
  return counts;
}
