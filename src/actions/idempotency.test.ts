import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveMessageId, hashRequest, MemoryIdempotencyStore } from './idempotency.js';

test('the same request hashes the same whatever the key order; another request differs', () => {
  assert.equal(hashRequest('sendMessage', { chat: 'a', text: 'b' }), hashRequest('sendMessage', { text: 'b', chat: 'a' }));
  assert.notEqual(hashRequest('sendMessage', { chat: 'a', text: 'b' }), hashRequest('sendMessage', { chat: 'a', text: 'c' }));
  assert.notEqual(hashRequest('sendMessage', { chat: 'a' }), hashRequest('editMessage', { chat: 'a' }));
});

test('a data key named __proto__ is hashed as data', () => {
  const polluted = JSON.parse('{"text":"x","__proto__":{"a":1}}') as object;
  const clean = JSON.parse('{"text":"x"}') as object;
  assert.notEqual(hashRequest('sendMessage', polluted), hashRequest('sendMessage', clean));
  assert.equal(({} as Record<string, unknown>).a, undefined);
});

test('message ids are stable per key and part, and shaped like WhatsApp Web ids', () => {
  const id = deriveMessageId('s1', 'order-42', 0);
  assert.match(id, /^3EB0[0-9A-F]{18}$/);
  assert.equal(deriveMessageId('s1', 'order-42', 0), id);
  assert.notEqual(deriveMessageId('s1', 'order-42', 1), id);
  assert.notEqual(deriveMessageId('s2', 'order-42', 0), id);
});

test('the memory store forgets the oldest key beyond its capacity', async () => {
  const store = new MemoryIdempotencyStore(2);
  const record = (n: number) => ({ requestHash: String(n), result: { action: 'deleteMessage' } as never });
  await store.put('s', 'a', record(1));
  await store.put('s', 'b', record(2));
  await store.put('s', 'c', record(3));
  assert.equal(await store.get('s', 'a'), undefined);
  assert.equal((await store.get('s', 'c'))?.requestHash, '3');
});
