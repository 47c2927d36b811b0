import type { LockConnection } from './lock-connection.js';

/** What the views read through: a node's lock connection, or any client that answers rows (a test, a tool). */
export type RowReader = Pick<LockConnection, 'query'>;

/** One live lock connection of the cluster: a node, by the id it gave and its backend pid. */
export interface LiveNode {
  nodeId: string;
  pid: number;
}

/** The lock holder of a key, as the database sees it. */
export interface LockHolder {
  pid: number;
  /** The holder's node id, or undefined for a connection that is not one of this cluster's. */
  nodeId: string | undefined;
}

/**
 * The `application_name` of a node's lock connection; its prefix (`<cluster>:`) is how the
 * nodes of one cluster find each other in pg_stat_activity.
 *
 * @example applicationName('whatsapp-connector', 'node-a') // 'whatsapp-connector:node-a'
 */
export function applicationName(cluster: string, nodeId: string): string {
  return `${cluster}:${nodeId}`;
}

/**
 * The cluster's live nodes in one stable order (node id, then pid), the same on every node, so
 * each can work out its own share of the sessions without asking the others.
 *
 * @example const nodes = await liveNodes(connection, 'whatsapp-connector');
 */
export async function liveNodes(connection: RowReader, cluster: string): Promise<LiveNode[]> {
  const prefix = applicationName(cluster, '');
  const rows = await connection.query<{ pid: number; application_name: string }>(
    `select pid, application_name from pg_stat_activity
      where datname = current_database() and left(application_name, length($1)) = $1
      order by application_name, pid`,
    [prefix],
  );
  return rows.map((row) => ({ nodeId: row.application_name.slice(prefix.length), pid: row.pid }));
}

/**
 * Who holds each of `keys` (session-level advisory locks on one int8) right now, read from
 * pg_locks: the database's own record, so it is never stale the way a copy in a table would be.
 * Keys nobody holds are absent.
 *
 * @example const holders = await lockHolders(connection, 'whatsapp-connector', [sessionLockKey('whatsapp-connector', id)]);
 */
export async function lockHolders(connection: RowReader, cluster: string, keys: string[]): Promise<Map<string, LockHolder>> {
  if (keys.length === 0) return new Map();
  const prefix = applicationName(cluster, '');
  // A bigint advisory lock is kept as its high and low 32 bits in classid and objid (objsubid 1).
  const rows = await connection.query<{ key: string; pid: number; application_name: string | null }>(
    `select ((l.classid::int8 << 32) | l.objid::int8)::text as key, l.pid, a.application_name
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.objsubid = 1 and l.granted
        and l.database = (select oid from pg_database where datname = current_database())
        and ((l.classid::int8 << 32) | l.objid::int8) = any($1::int8[])`,
    [keys],
  );
  const holders = new Map<string, LockHolder>();
  for (const row of rows) {
    const name = row.application_name ?? '';
    holders.set(row.key, { pid: row.pid, nodeId: name.startsWith(prefix) ? name.slice(prefix.length) : undefined });
  }
  return holders;
}
