import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { liveStorages, withOwnStorages } from './socket-storage.js';

test('storages made while a socket is built are disabled when it is released; others are left alone', () => {
  const before = liveStorages();
  const outside = new AsyncLocalStorage<string>();
  const { value: inside, release } = withOwnStorages(() => new AsyncLocalStorage<number>());
  assert.equal(liveStorages(), before + 1);

  inside.enterWith(7);
  outside.enterWith('kept');
  assert.equal(inside.getStore(), 7);
  release();
  release();
  assert.equal(inside.getStore(), undefined, 'disabled');
  assert.equal(outside.getStore(), 'kept');
  assert.equal(liveStorages(), before);
});
