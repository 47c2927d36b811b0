import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../domain/clock.js';
import { openDatabase } from './database.js';
import { describeStore } from './test-support.js';

const root = mkdtempSync(join(tmpdir(), 'connector-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

describeStore('SQLite in memory', (clock) => openDatabase('sqlite::memory:', { clock }));
describeStore('SQLite file', (clock) => openDatabase(`sqlite:${join(root, 'contract', 'connector.db')}`, { clock }));

describe('SQLite file on disk', () => {
  test('the data folder and the database file are created on first open', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const store = await openDatabase(undefined, { dataDir });
    try {
      assert.equal(store.dialect, 'sqlite');
      assert.ok(existsSync(join(dataDir, 'connector.db')));
    } finally {
      await store.close();
    }
  });

  test('a restart keeps sessions, tokens and sent-message records; migrations run again harmlessly', async () => {
    const url = `file:${join(root, 'restart', 'connector.db')}`;
    const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
    const first = await openDatabase(url, { clock });
    await first.sessions.create('ses-1', 'Reception');
    await first.sessions.updateState('ses-1', 'connected', { jid: '79001234567@s.whatsapp.net' });
    const { id: tokenId } = await first.tokens.create('ses-1', 'hash-1');
    await first.messages.save('ses-1', { chat: '79007654321@s.whatsapp.net', id: '3EB0AA', fromMe: true, kind: 'text', timestamp: clock.now(), status: 'delivered', forwardingScore: 0, deletedForEveryone: false });
    await first.authState.set('ses-1', { creds: 'sealed' });
    await first.close();

    const second = await openDatabase(url, { clock });
    try {
      assert.equal((await second.sessions.get('ses-1'))?.state, 'connected');
      assert.equal((await second.tokens.findByHash('hash-1'))?.id, tokenId);
      assert.equal((await second.messages.get('ses-1', '3EB0AA'))?.status, 'delivered');
      assert.equal(await second.authState.get('ses-1', 'creds'), 'sealed');
    } finally {
      await second.close();
    }
  });

  test('the file is journaled in WAL mode and waits for a busy writer instead of failing', async () => {
    const store = await openDatabase(`sqlite:${join(root, 'wal', 'connector.db')}`);
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
      assert.ok((busy.rows[0]?.timeout ?? 0) >= 1_000);
    } finally {
      await store.close();
    }
  });

  test('closing twice is harmless, and a closed store no longer answers a ping', async () => {
    const store = await openDatabase('sqlite::memory:');
    await store.ping();
    await store.close();
    await store.close();
    await assert.rejects(store.ping());
  });
});
