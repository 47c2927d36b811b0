import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the tests use; CI starts it (`.ci/run`). */
export const postgresServerUrl = process.env.STORE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A database URL confined to a new schema of its own, so parallel test files never meet; `drop()`
 * removes the schema and everything in it.
 */
export async function isolatedPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `svc_test_${process.pid}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresServerUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresServerUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
