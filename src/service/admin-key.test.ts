import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../store/index.js';
import { resolveAdminKey, rotateAdminKey } from './admin-key.js';
import { secretMatches } from './secrets.js';

test('a key rotated while the service runs works at once; the one printed at first start stops working', async () => {
  const store = await openDatabase('sqlite::memory:');
  try {
    const admin = await resolveAdminKey(store, undefined);
    const first = admin.generated as string;
    assert.ok(secretMatches(first, await admin.hash()));
    const rotated = await rotateAdminKey(store);
    assert.ok(secretMatches(rotated, await admin.hash()));
    assert.ok(!secretMatches(first, await admin.hash()));
  } finally {
    await store.close();
  }
});

test('a configured admin key wins over a rotated one', async () => {
  const store = await openDatabase('sqlite::memory:');
  try {
    const admin = await resolveAdminKey(store, 'configured-admin-key-0123');
    const rotated = await rotateAdminKey(store);
    assert.ok(secretMatches('configured-admin-key-0123', await admin.hash()));
    assert.ok(!secretMatches(rotated, await admin.hash()));
  } finally {
    await store.close();
  }
});
