import pg from 'pg';
import type { Clock } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import { serverGiveUpMs, type ServerKeepalive } from './partition-margin.js';

/**
 * The database URL of a node's lock connection: its `application_name` names the node (so
 * pg_stat_activity lists the live nodes), and its `options` ask the server to probe the
 * connection and drop it once it has been silent for `serverGiveUpMs(keepalive)`. The options
 * are added to the URL's own (a `search_path`, say): pg lets the URL override a config object,
 * so they have to travel inside it.
 *
 * @example lockConnectionUrl('postgres://db/connector', 'whatsapp-connector:node-a', defaultServerKeepalive)
 */
export function lockConnectionUrl(databaseUrl: string, applicationName: string, keepalive: ServerKeepalive): string {
  const url = new URL(databaseUrl);
  const settings = [
    `tcp_keepalives_idle=${keepalive.idleSeconds}`,
    `tcp_keepalives_interval=${keepalive.intervalSeconds}`,
    `tcp_keepalives_count=${keepalive.count}`,
    // Keepalive probes only start on an idle connection; while the server still waits for the
    // node to acknowledge an answer, the kernel retransmits for ~15 min unless this bounds it.
    `tcp_user_timeout=${serverGiveUpMs(keepalive)}`,
  ];
  const own = url.searchParams.get('options');
  url.searchParams.set('options', [own, ...settings.map((setting) => `-c ${setting}`)].filter(Boolean).join(' '));
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

export interface LockConnectionOptions {
  url: string;
  /** Longest wait for the connection to open and for any one query's answer. */
  timeoutMs: number;
  clock: Clock;
  /** Called once, when the connection ended, failed or did not answer in time. */
  onLost: (reason: string) => void;
}

/**
 * One node's dedicated connection, the holder of all its advisory locks: they live exactly as
 * long as this backend does. Every query has a deadline; a query that misses it, an error on the
 * socket or its end make the connection lost (reported once). A lost connection is not closed
 * here: the caller closes it with `destroy()` once the sockets it guarded are closed, so that a
 * server that is merely slow keeps the locks meanwhile.
 */
export class LockConnection {
  private lostReason: string | undefined;

  private constructor(
    private readonly client: pg.Client,
    /** The server process holding the locks, as pg_locks and pg_stat_activity name it. */
    readonly pid: number,
    private readonly options: LockConnectionOptions,
  ) {}

  /**
   * Opens a connection and reads its backend pid.
   *
   * @example const connection = await LockConnection.open({ url, timeoutMs: 3000, clock, onLost: (why) => log.warn({}, why) });
   */
  static async open(options: LockConnectionOptions): Promise<LockConnection> {
    const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: options.timeoutMs });
    let connection: LockConnection | undefined;
    // Without an 'error' listener an idle connection's failure would crash the process.
    client.on('error', (error) => connection?.fail(`lock connection failed: ${error.message}`));
    client.on('end', () => connection?.fail('lock connection ended'));
    try {
      await client.connect();
      const rows = await withDeadline(client.query<{ pid: number }>('select pg_backend_pid() as pid'), options, 'pg_backend_pid');
      connection = new LockConnection(client, rows.rows[0]!.pid, options);
      return connection;
    } catch (error) {
      client.connection.stream.destroy();
      throw error;
    }
  }

  get lost(): boolean {
    return this.lostReason !== undefined;
  }

  /**
   * Runs one statement; rejects (and makes the connection lost) when no answer comes in time.
   *
   * @example const [row] = await connection.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int8) as ok', [key]);
   */
  async query<Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<Row[]> {
    if (this.lostReason !== undefined) throw new ConnectorError('INTERNAL', `lock connection is lost (${this.lostReason})`);
    try {
      const result = await withDeadline(this.client.query<Row>(sql, params), this.options, sql);
      return result.rows;
    } catch (error) {
      if (error instanceof MissedDeadline) this.fail(error.message);
      throw error;
    }
  }

  /** Closes the socket at once (not reported as a loss: the caller chose it): the server then frees this node's locks. */
  destroy(): void {
    this.lostReason ??= 'closed here';
    this.client.connection.stream.destroy();
  }

  /** Ends the connection politely (the server frees the locks), or destroys it if that hangs. */
  async close(): Promise<void> {
    this.lostReason ??= 'closed here';
    const ended = this.client.end().catch(() => undefined);
    await withDeadline(ended, this.options, 'close').catch(() => this.client.connection.stream.destroy());
  }

  private fail(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.options.onLost(reason);
  }
}

class MissedDeadline extends Error {}

function withDeadline<T>(work: Promise<T>, options: Pick<LockConnectionOptions, 'clock' | 'timeoutMs'>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = options.clock.setTimeout(() => reject(new MissedDeadline(`no answer to "${what}" within ${options.timeoutMs} ms`)), options.timeoutMs);
    work.then(
      (value) => {
        options.clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        options.clock.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
