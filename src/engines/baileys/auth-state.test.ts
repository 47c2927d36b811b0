import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryCredentialStore } from '../memory-credentials.js';
import { loadAuthState } from './auth-state.js';

/** Counts the batches it is given, and can fail every one of them, as a full disk would. */
class CountingCredentials extends MemoryCredentialStore {
  batches = 0;

  constructor(private readonly failSaves = false) {
    super();
  }

  override async save(sessionId: string, entries: Record<string, string | null>): Promise<void> {
    if (this.failSaves) throw new Error('disk full');
    this.batches += 1;
    await super.save(sessionId, entries);
  }
}

test('credentials and keys, with their binary fields, come back the same after a restart', async () => {
  const credentials = new CountingCredentials();
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
  const credentials = new CountingCredentials();
  const auth = await loadAuthState(credentials, 's1');
  await auth.state.keys.set({ session: { a: Buffer.from([1]), b: Buffer.from([2]) }, 'sender-key': { g: Buffer.from([3]) } });
  assert.equal(credentials.batches, 1);
  await auth.state.keys.set({ session: { a: null } });
  assert.deepEqual(Object.keys(await auth.state.keys.get('session', ['a', 'b'])), ['b']);

  const failing = new CountingCredentials(true);
  const broken = await loadAuthState(failing, 's2');
  await assert.rejects(async () => broken.state.keys.set({ session: { a: Buffer.from([1]) } }), /disk full/);
  assert.deepEqual(await broken.state.keys.get('session', ['a']), {});
});
