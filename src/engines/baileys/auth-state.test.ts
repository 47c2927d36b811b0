import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CredentialStore } from '../engine.js';
import { loadAuthState } from './auth-state.js';

function memoryCredentials(failSaves = false): CredentialStore & { saved: Map<string, string>; batches: number } {
  const saved = new Map<string, string>();
  const store = {
    saved,
    batches: 0,
    async load() {
      return Object.fromEntries(saved);
    },
    async save(_sessionId: string, entries: Record<string, string | null>) {
      if (failSaves) throw new Error('disk full');
      store.batches += 1;
      for (const [name, value] of Object.entries(entries)) {
        if (value === null) saved.delete(name);
        else saved.set(name, value);
      }
    },
    async clear() {
      saved.clear();
    },
  };
  return store;
}

test('credentials and keys, with their binary fields, come back the same after a restart', async () => {
  const credentials = memoryCredentials();
  const first = await loadAuthState(credentials, 's1');
  assert.equal(first.isLinked(), false);
  await first.state.keys.set({ 'pre-key': { '1': { public: Buffer.from([1, 2]), private: Buffer.from([3, 4]) } }, session: { 'a.0': Buffer.from([9]) } });
  await first.saveCreds();

  const second = await loadAuthState(credentials, 's1');
  assert.deepEqual(second.state.creds.noiseKey, first.state.creds.noiseKey);
  const preKeys = await second.state.keys.get('pre-key', ['1', '2']);
  assert.deepEqual(Object.keys(preKeys), ['1']);
  assert.ok(Buffer.isBuffer(preKeys['1']!.private));
  assert.deepEqual([...preKeys['1']!.private], [3, 4]);
});

test('one keys.set is one batch; null removes; a failed batch changes nothing, in memory either', async () => {
  const credentials = memoryCredentials();
  const auth = await loadAuthState(credentials, 's1');
  await auth.state.keys.set({ session: { a: Buffer.from([1]), b: Buffer.from([2]) }, 'sender-key': { g: Buffer.from([3]) } });
  assert.equal(credentials.batches, 1);
  await auth.state.keys.set({ session: { a: null } });
  assert.deepEqual(Object.keys(await auth.state.keys.get('session', ['a', 'b'])), ['b']);

  const failing = memoryCredentials(true);
  const broken = await loadAuthState(failing, 's2');
  await assert.rejects(async () => broken.state.keys.set({ session: { a: Buffer.from([1]) } }), /disk full/);
  assert.deepEqual(await broken.state.keys.get('session', ['a']), {});
});
