import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from './database.js';
import { SqliteWriterThread } from './sqlite-writer.js';

const root = mkdtempSync(join(tmpdir(), 'wac-writer-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a batch commits whole or not at all, and its failure names SQLite’s code', async () => {
  const path = join(root, 'atomic.db');
  const store = await openDatabase(`sqlite:${path}`);
  const writer = new SqliteWriterThread(path);
  try {
    const setting = (name: string) => store.db.insertInto('settings').values({ name, value: 'v' }).compile();
    await writer.write([setting('kept')]);
    assert.equal((await store.settings.get('kept')), 'v', 'the loop’s connection reads what the thread wrote');

    await assert.rejects(writer.write([setting('lost'), setting('kept')]), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
      return true;
    });
    assert.equal(await store.settings.get('lost'), undefined, 'the first statement of the failed batch was rolled back');

    await writer.write([setting('after')]);
    assert.equal(await store.settings.get('after'), 'v', 'the thread goes on after a failed batch');
  } finally {
    await writer.close();
    await store.close();
  }
});

test('after close, writes are refused and a ping fails', async () => {
  const path = join(root, 'closed.db');
  const store = await openDatabase(`sqlite:${path}`);
  const writer = new SqliteWriterThread(path);
  await writer.close();
  await writer.close();
  await assert.rejects(writer.write([store.db.insertInto('settings').values({ name: 'x', value: 'v' }).compile()]), /closed/);
  await assert.rejects(writer.ping(), /closed/);
  await store.close();
});
