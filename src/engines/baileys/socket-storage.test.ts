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

test('each socket sees only its own values, through awaits and nested runs, though all share one storage', async () => {
  const { value: a, release: releaseA } = withOwnStorages(() => new AsyncLocalStorage<string>());
  const { value: b, release: releaseB } = withOwnStorages(() => new AsyncLocalStorage<string>());
  const plain = new AsyncLocalStorage<string>();

  await a.run('a-tx', async () => {
    await Promise.resolve();
    assert.equal(a.getStore(), 'a-tx');
    assert.equal(b.getStore(), undefined, 'b is not in a transaction because a is');
    await b.run('b-tx', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual([a.getStore(), b.getStore()], ['a-tx', 'b-tx']);
      await a.run('a-inner', async () => assert.deepEqual([a.getStore(), b.getStore()], ['a-inner', 'b-tx']));
      assert.equal(a.getStore(), 'a-tx', 'an inner run ends with its callback');
      a.exit(() => assert.deepEqual([a.getStore(), b.getStore()], [undefined, 'b-tx']));
    });
    assert.equal(b.getStore(), undefined);
    await plain.run('plain', async () => assert.deepEqual([a.getStore(), plain.getStore()], ['a-tx', 'plain']));
  });
  assert.equal(a.getStore(), undefined);

  const later = a.run('before release', () => new Promise<string | undefined>((resolve) => setImmediate(() => resolve(a.getStore()))));
  releaseA();
  assert.equal(await later, undefined, 'a released socket’s values are gone in every context');
  releaseB();
});
