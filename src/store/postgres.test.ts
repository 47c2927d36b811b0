import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from './database.js';
import { describeDatabase } from './database-url.js';
import { migrationProvider } from './migrations.js';
import { describeStore } from './test-support.js';

// CI starts PostgreSQL; these tests fail loudly when it is missing unless skipped on purpose.
const serverUrl = process.env.STORE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const skip = process.env.STORE_SKIP_POSTGRES === '1' ? 'STORE_SKIP_POSTGRES=1' : false;

const schemas: string[] = [];
let admin: Promise<pg.Client> | undefined;

after(async () => {
  if (admin === undefined) return;
  const client = await admin.catch(() => undefined);
  if (client === undefined) return;
  for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

/** A database URL confined to a new schema of its own, so parallel runs never meet. */
async function isolatedUrl(): Promise<string> {
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
        'or set STORE_SKIP_POSTGRES=1 to skip the PostgreSQL store tests.',
      { cause: error },
    );
  }
}

describeStore('PostgreSQL', async (clock) => openDatabase(await isolatedUrl(), { clock }), { skip });

describe('PostgreSQL specifics', { skip }, () => {
  test('two nodes starting at once migrate once and see the same data', async () => {
    const url = await isolatedUrl();
    const [first, second] = await Promise.all([openDatabase(url), openDatabase(url)]);
    try {
      assert.equal(first.dialect, 'postgres');
      await first.sessions.create('ses-1', 'Reception');
      assert.equal((await second.sessions.get('ses-1'))?.label, 'Reception');
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
      assert.deepEqual(applied.rows.map((row) => row.name), Object.keys(await migrationProvider.getMigrations()));
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('a restart keeps sessions and tokens: reopening migrates nothing and finds them', async () => {
    const url = await isolatedUrl();
    const first = await openDatabase(url);
    await first.sessions.create('ses-1');
    await first.tokens.create('ses-1', 'hash-1');
    await first.close();
    const second = await openDatabase(url);
    try {
      assert.equal((await second.sessions.get('ses-1'))?.state, 'linking');
      assert.equal((await second.tokens.findByHash('hash-1'))?.sessionId, 'ses-1');
    } finally {
      await second.close();
    }
  });

  test('times and counts come back as JavaScript numbers, as on SQLite', async () => {
    const store = await openDatabase(await isolatedUrl(), { clock: { now: () => Date.parse('2026-03-02T09:00:00Z') } });
    try {
      const session = await store.sessions.create('ses-1');
      const read = await store.sessions.get('ses-1');
      assert.equal(typeof read?.createdAt, 'number');
      assert.equal(read?.createdAt, session.createdAt);
      const counted = await store.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      assert.equal(counted.count, 1);
    } finally {
      await store.close();
    }
  });

  test("a store in one schema never sees another schema's rows", async () => {
    const [one, two] = await Promise.all([openDatabase(await isolatedUrl()), openDatabase(await isolatedUrl())]);
    try {
      await one.settings.set('admin_key_hash', 'one');
      assert.equal(await two.settings.get('admin_key_hash'), undefined);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
