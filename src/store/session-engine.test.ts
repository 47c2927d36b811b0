import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, migrationProvider } from './migrations.js';
import { isolatedPostgresUrl, skipPostgres } from './postgres-test-support.js';
import type { Database } from './schema.js';
import { createStore } from './store.js';

const now = Date.parse('2026-03-02T09:00:00Z');

/**
 * Migration 004 gives every session an engine. Sessions saved before it are told apart by their
 * credentials; one without any stays unknown until an engine claims it.
 */
function describeSessionEngine(name: string, open: () => Promise<{ db: Kysely<Database>; dialect: 'sqlite' | 'postgres' }>, skip: string | false = false): void {
  describe(name, { skip }, () => {
    test('sessions from before 004 get the engine their credentials show; one without credentials is unknown until claimed', async () => {
      const { db, dialect } = await open();
      const store = createStore(db, dialect, { now: () => now });
      try {
        const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
        const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
        const upTo003 = await migrator.migrateTo('003_engine_messages');
        assert.equal(upTo003.error, undefined);
        const old = db as unknown as Kysely<{ sessions: Record<string, unknown>; auth_state: Record<string, unknown> }>;
        for (const [id, entry] of [['ses_baileys', 'creds'], ['ses_sandbox', 'jid'], ['ses_new', undefined]] as const) {
          await old.insertInto('sessions').values({ id, state: 'connected', jid: null, label: null, created_at: now, updated_at: now, linked_at: null, last_seen_at: null }).execute();
          if (entry) await old.insertInto('auth_state').values({ session_id: id, name: entry, value: 'v1.sealed', updated_at: now }).execute();
        }
        // A Signal key beside the credentials, as Baileys keeps them.
        await old.insertInto('auth_state').values({ session_id: 'ses_baileys', name: 'pre-key/1', value: 'v1.sealed', updated_at: now }).execute();

        await migrateToLatest(db as Kysely<unknown>, dialect);
        assert.equal((await store.sessions.get('ses_baileys'))?.engine, 'baileys');
        assert.equal((await store.sessions.get('ses_sandbox'))?.engine, 'sandbox');
        assert.equal((await store.sessions.get('ses_new'))?.engine, null);

        assert.equal(await store.sessions.claim('ses_new', 'sandbox'), 'sandbox');
        assert.equal(await store.sessions.claim('ses_new', 'baileys'), 'sandbox', 'a claimed session keeps its owner');
        assert.equal(await store.sessions.claim('ses_baileys', 'sandbox'), 'baileys');
      } finally {
        await store.close();
      }
    });

    test('a session that failed to start keeps the reason until its state changes again', async () => {
      const { db, dialect } = await open();
      await migrateToLatest(db as Kysely<unknown>, dialect);
      const store = createStore(db, dialect, { now: () => now });
      try {
        await store.sessions.create('ses_1', null, 'baileys');
        await store.sessions.markFailed('ses_1', 'Stored credentials cannot be decrypted');
        assert.deepEqual(await store.sessions.get('ses_1').then((s) => [s?.state, s?.failure]), ['failed', 'Stored credentials cannot be decrypted']);
        await store.sessions.updateState('ses_1', 'connected');
        assert.deepEqual(await store.sessions.get('ses_1').then((s) => [s?.state, s?.failure]), ['connected', null]);
      } finally {
        await store.close();
      }
    });
  });
}

describeSessionEngine('SQLite', async () => ({ db: new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) }), dialect: 'sqlite' }));
describeSessionEngine(
  'PostgreSQL',
  async () => ({ db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: await isolatedPostgresUrl() }) }) }), dialect: 'postgres' }),
  skipPostgres,
);
