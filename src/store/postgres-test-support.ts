import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import { describeDatabase } from './database-url.js';

// CI starts PostgreSQL; tests on it fail loudly when it is missing unless skipped on purpose.
const serverUrl = process.env.STORE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The reason to skip PostgreSQL tests (`STORE_SKIP_POSTGRES=1`), or false to run them. */
export const skipPostgres: string | false = process.env.STORE_SKIP_POSTGRES === '1' ? 'STORE_SKIP_POSTGRES=1' : false;

const schemas: string[] = [];
let admin: Promise<pg.Client> | undefined;

after(async () => {
  if (admin === undefined) return;
  const client = await admin.catch(() => undefined);
  if (client === undefined) return;
  for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

/**
 * A database URL confined to a new schema of its own, so parallel runs never meet; the schema is
 * dropped when the test file ends.
 */
export async function isolatedPostgresUrl(): Promise<string> {
  admin ??= connectAdmin();
  const client = await admin;
  const schema = `store_test_${process.pid}_${randomUUID().slice(0, 8)}`;
  schemas.push(schema);
  await client.query(`create schema "${schema}"`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function connectAdmin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    const where = describeDatabase({ dialect: 'postgres', connectionString: serverUrl });
    const reason = error instanceof AggregateError ? error.errors.map(String).join('; ') : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${where} (${reason}). Start it, point STORE_TEST_POSTGRES_URL at a server, ` +
        'or set STORE_SKIP_POSTGRES=1 to skip the PostgreSQL tests.',
      { cause: error },
    );
  }
}
