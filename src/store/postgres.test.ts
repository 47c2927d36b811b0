import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from './database.js';
import { migrationProvider } from './migrations.js';
import { isolatedPostgresUrl as isolatedUrl, skipPostgres as skip } from './postgres-test-support.js';
import { describeStore } from './test-support.js';

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
