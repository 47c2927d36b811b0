import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { systemClock } from '../domain/clock.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError, isConnectorError } from '../domain/errors.js';
import { describeDatabase, parseDatabaseUrl } from './database-url.js';
import type { DatabaseLocation } from './database-url.js';
import { migrateToLatest } from './migrations.js';
import { openSqliteFile } from './sqlite-file.js';
import { SqliteWriterThread } from './sqlite-writer.js';
import type { Database } from './schema.js';
import { createStore } from './store.js';
import type { Store } from './store.js';

/** How long a new PostgreSQL connection may take, so `/ready` fails instead of hanging. */
const connectTimeoutMs = 10_000;

export interface OpenDatabaseOptions {
  /** Folder of the default SQLite file, `<dataDir>/connector.db`. Default `./data`. */
  dataDir?: string;
  /** Stamps created and updated times. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Told when an idle PostgreSQL connection fails; the pool replaces it on the next query. */
  onError?: (error: Error) => void;
}

/**
 * Opens the store named by `DATABASE_URL` and brings its schema up to date. On PostgreSQL the
 * tables go into the connection's current schema; to use another than `public`, add
 * `?options=-c%20search_path%3Dname` to the URL (the tests isolate each run that way).
 *
 * @example const store = await openDatabase(process.env.DATABASE_URL, { dataDir: './data' });
 * @example const store = await openDatabase('sqlite::memory:'); // tests
 * @throws ConnectorError VALIDATION_ERROR for an address of another form; INTERNAL when the
 *   database cannot be opened or migrated.
 */
export async function openDatabase(url: string | undefined, options: OpenDatabaseOptions = {}): Promise<Store> {
  const location = parseDatabaseUrl(url, options);
  let db: Kysely<Database> | undefined;
  try {
    db = location.dialect === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString, options.onError);
    await migrateToLatest(db as Kysely<unknown>, location.dialect);
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw cannotOpen(location, error);
  }
  // A file gets a writer thread; an in-memory database has no second connection to give it.
  const writer = location.dialect === 'sqlite' && location.path !== ':memory:' ? new SqliteWriterThread(location.path) : undefined;
  return createStore(db, location.dialect, options.clock ?? systemClock, writer);
}

function openSqlite(path: string): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqliteFile(path) }) });
}

function openPostgres(connectionString: string, onError: ((error: Error) => void) | undefined): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis: connectTimeoutMs,
    // Times are bigint (int8) columns; pg returns int8 as a string unless told otherwise, which
    // would make PostgreSQL answer differently from SQLite. Parsed per pool, not globally.
    types: { getTypeParser: (oid, format) => (oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format)) },
  });
  // Without a listener a connection dropped while idle would crash the process.
  pool.on('error', (error) => onError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function parseInt8(text: string): number {
  const value = Number(text);
  // Milliseconds and counts fit easily; anything beyond 2^53 would silently lose digits.
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return value;
}

function cannotOpen(location: DatabaseLocation, error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const where = describeDatabase(location);
  return new ConnectorError('INTERNAL', `Cannot open the database at ${where}: ${reasonOf(error)}`, { database: where }, { cause: error });
}

/** Node reports a refused connection to a name with several addresses as an AggregateError with no message. */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner))).join('; ');
  }
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
