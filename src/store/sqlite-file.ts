import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

/** How long SQLite waits for another connection's write lock before failing with SQLITE_BUSY. */
const busyTimeoutMs = 5_000;
/**
 * WAL pages (4 KiB) written before SQLite copies them back into the database file: 40 MiB rather
 * than the default 4 MiB. Sent-message ids and idempotency keys are random, so each insert dirties
 * a page somewhere in their indexes; a longer interval copies a page once for many writes to it,
 * which made recording an action about a third cheaper (`npm run bench:store`).
 */
const walPagesBeforeCheckpoint = 10_000;
const cachedStatements = 512;

/**
 * Opens a SQLite database file (or `:memory:`) the way every connection of the store uses it: in
 * WAL mode, so readers go on while a write commits, and with a busy timeout, so a second
 * connection (the writer thread, another process) waits for the write lock instead of failing.
 */
export function openSqliteFile(path: string): SqliteDatabase.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  database.pragma(`wal_autocheckpoint = ${walPagesBeforeCheckpoint}`);
  return withStatementCache(database);
}

/**
 * Kysely prepares every query anew; preparing costs more than running these small statements.
 * The queries are parameterised, so a few hundred distinct texts cover them all.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDatabase.Database {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SqliteDatabase.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      if (cache.size >= cachedStatements) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
  return database;
}
