import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../domain/clock.js';
import type { MessageRecord } from '../domain/message.js';
import type { SendMessageResult } from '../domain/result.js';
import type { Store } from './store.js';
import { describeStoredText } from './text-test-support.js';

const start = Date.parse('2026-03-02T09:00:00Z');

/**
 * The behaviours every backend shares, run once per backend (SQLite file, SQLite in memory,
 * PostgreSQL). `open` returns a migrated store stamping times with `clock`; the tests share it
 * and keep apart by using fresh ids.
 *
 * @example describeStore('SQLite in memory', (clock) => openDatabase('sqlite::memory:', { clock }));
 */
export function describeStore(name: string, open: (clock: ManualClock) => Promise<Store>, options: { skip?: string | false } = {}): void {
  describe(name, { skip: options.skip ?? false }, () => {
    const clock = new ManualClock(start);
    let store!: Store;
    before(async () => {
      store = await open(clock);
    });
    after(async () => {
      await (store as Store | undefined)?.close();
    });

    test('a new session starts linking, connects with its phone and keeps its first link time', async () => {
      const id = fresh('ses');
      const created = await store.sessions.create(id, 'Front desk');
      assert.deepEqual(created, { id, state: 'linking', jid: null, label: 'Front desk', engine: null, failure: null, createdAt: clock.now(), updatedAt: clock.now(), linkedAt: null, lastSeenAt: null });
      assert.deepEqual(await store.sessions.get(id), created);

      clock.advance(1_000);
      const linkedAt = clock.now();
      assert.equal(await store.sessions.updateState(id, 'connected', { jid: '79001234567@s.whatsapp.net' }), true);
      clock.advance(60_000);
      await store.sessions.updateState(id, 'reconnecting');
      clock.advance(1_000);
      await store.sessions.updateState(id, 'connected');

      const session = await store.sessions.get(id);
      assert.equal(session?.state, 'connected');
      assert.equal(session?.jid, '79001234567@s.whatsapp.net');
      assert.equal(session?.linkedAt, linkedAt);
      assert.equal(session?.updatedAt, clock.now());
      assert.ok((await store.sessions.list()).some((listed) => listed.id === id && listed.state === 'connected'));
    });

    test('a session is seen online; an unknown session is reported missing, not invented', async () => {
      const id = fresh('ses');
      await store.sessions.create(id);
      await store.sessions.touch(id, start + 5_000);
      assert.equal((await store.sessions.get(id))?.lastSeenAt, start + 5_000);
      assert.equal((await store.sessions.get(id))?.label, null);

      assert.equal(await store.sessions.get('ses-unknown'), undefined);
      assert.equal(await store.sessions.updateState('ses-unknown', 'connected'), false);
      assert.equal(await store.sessions.delete('ses-unknown'), false);
    });

    test('deleting a session forgets its keys, tokens, messages and idempotency records; the action log stays', async () => {
      const id = fresh('ses');
      await store.sessions.create(id);
      await store.authState.set(id, { creds: 'sealed' });
      await store.tokens.create(id, fresh('hash'));
      await store.messages.save(id, message(fresh('MSG')));
      await store.engineMessages.save(id, { record: message('KEPT'), raw: 'cHJvdG8=' });
      await store.idempotency.put(id, 'order-1', { requestHash: 'h', result: sendResult(fresh('MSG')) });
      await store.actionLog.append({ sessionId: id, action: 'sendMessage', outcome: 'completed', durationMs: 5, at: clock.now() });

      assert.equal(await store.sessions.delete(id), true);
      assert.equal(await store.sessions.get(id), undefined);
      assert.deepEqual(await store.authState.getAll(id), {});
      assert.deepEqual(await store.tokens.listForSession(id), []);
      assert.equal(await store.idempotency.get(id, 'order-1'), undefined);
      assert.equal(await store.engineMessages.find(id, { id: 'KEPT' }), undefined);
      assert.equal((await store.actionLog.recent(id)).length, 1);
    });

    test("the engine's archive keeps a message by id, in its chat, and a later save replaces it", async () => {
      const sessionId = fresh('ses');
      const id = fresh('3EB0');
      const record = message(id);
      await store.engineMessages.save(sessionId, { record, raw: 'b3JpZ2luYWw=' });
      assert.deepEqual(await store.engineMessages.find(sessionId, { id }), { record, raw: 'b3JpZ2luYWw=' });
      assert.deepEqual((await store.engineMessages.find(sessionId, { id, chat: record.chat }))?.record, record);
      assert.equal(await store.engineMessages.find(sessionId, { id, chat: 'someone-else@s.whatsapp.net' }), undefined);
      assert.equal(await store.engineMessages.find(fresh('ses'), { id }), undefined, "another session's message is not found");

      await store.engineMessages.save(sessionId, { record: { ...record, text: 'edited', deletedForEveryone: true }, raw: 'ZWRpdGVk' });
      const replaced = await store.engineMessages.find(sessionId, { id });
      assert.equal(replaced?.record.text, 'edited');
      assert.equal(replaced?.record.deletedForEveryone, true);
      assert.equal(replaced?.raw, 'ZWRpdGVk');
    });

    test('engine credentials are saved together, read one or many, and null removes an entry', async () => {
      const id = fresh('ses');
      await store.authState.set(id, { creds: 'c1', 'pre-key-1': 'p1', 'pre-key-2': 'p2' });
      assert.equal(await store.authState.get(id, 'creds'), 'c1');
      assert.deepEqual(await store.authState.getMany(id, ['pre-key-1', 'pre-key-2', 'pre-key-9']), { 'pre-key-1': 'p1', 'pre-key-2': 'p2' });

      await store.authState.set(id, { creds: 'c2', 'pre-key-1': null });
      assert.deepEqual(await store.authState.getAll(id), { creds: 'c2', 'pre-key-2': 'p2' });
      assert.equal(await store.authState.get(id, 'pre-key-1'), undefined);
    });

    test('a refused entry rolls back the whole credential batch, its removals included', async () => {
      const id = fresh('ses');
      await store.authState.set(id, { creds: 'c1', 'pre-key-1': 'p1' });
      const saved = await store.authState.getAll(id);

      // The CHECK on name length refuses the last entry after the removal and the first insert ran.
      await assert.rejects(store.authState.set(id, { 'pre-key-1': null, creds: 'c2', 'pre-key-2': 'p2', ['x'.repeat(600)]: 'too long a name' }));
      assert.deepEqual(await store.authState.getAll(id), saved);
    });

    test('a batch too large for one statement is still written all or nothing', async () => {
      const id = fresh('ses');
      const batch: Record<string, string> = {};
      for (let n = 0; n < 1_200; n++) batch[`pre-key-${n}`] = `p${n}`;

      await assert.rejects(store.authState.set(id, { ...batch, ['y'.repeat(600)]: 'refused' }));
      assert.deepEqual(await store.authState.getAll(id), {});

      await store.authState.set(id, batch);
      assert.equal(Object.keys(await store.authState.getAll(id)).length, 1_200);
      assert.equal(Object.keys(await store.authState.getMany(id, Object.keys(batch))).length, 1_200);
    });

    test("clearing one session's credentials leaves another's alone", async () => {
      const [mine, theirs] = [fresh('ses'), fresh('ses')];
      await store.authState.set(mine, { creds: 'a' });
      await store.authState.set(theirs, { creds: 'b' });
      await store.authState.clear(mine);
      assert.deepEqual(await store.authState.getAll(mine), {});
      assert.deepEqual(await store.authState.getAll(theirs), { creds: 'b' });
    });

    test('a token is found by its hash, and once revoked it is reported revoked', async () => {
      const sessionId = fresh('ses');
      const hash = fresh('hash');
      const { id } = await store.tokens.create(sessionId, hash);
      assert.deepEqual(await store.tokens.findByHash(hash), { id, sessionId, createdAt: clock.now(), revokedAt: null, lastUsedAt: null });

      clock.advance(1_000);
      const revokedAt = clock.now();
      assert.equal(await store.tokens.revoke(id), true);
      clock.advance(1_000);
      assert.equal(await store.tokens.revoke(id), true);
      assert.equal((await store.tokens.findByHash(hash))?.revokedAt, revokedAt);

      assert.equal(await store.tokens.revoke('tok-unknown'), false);
      assert.equal(await store.tokens.findByHash('hash-unknown'), undefined);
    });

    test("logging a session out revokes all its tokens; another session's keep working", async () => {
      const [mine, theirs] = [fresh('ses'), fresh('ses')];
      const first = await store.tokens.create(mine, fresh('hash'));
      clock.advance(1);
      const second = await store.tokens.create(mine, fresh('hash'));
      const other = await store.tokens.create(theirs, fresh('hash'));
      await store.tokens.touch(first.id, start + 42);

      assert.equal(await store.tokens.revokeAllForSession(mine), 2);
      assert.equal(await store.tokens.revokeAllForSession(mine), 0);
      const listed = await store.tokens.listForSession(mine);
      assert.deepEqual(listed.map((token) => token.id), [first.id, second.id]);
      assert.ok(listed.every((token) => token.revokedAt === clock.now()));
      assert.equal(listed[0]?.lastUsedAt, start + 42);
      assert.equal((await store.tokens.listForSession(theirs)).find((token) => token.id === other.id)?.revokedAt, null);
    });

    test('two tokens never share a hash', async () => {
      const hash = fresh('hash');
      await store.tokens.create(fresh('ses'), hash);
      await assert.rejects(store.tokens.create(fresh('ses'), hash));
    });

    test('a sent message is saved with its action result and found by id, with or without its chat', async () => {
      const sessionId = fresh('ses');
      const id = fresh('3EB0');
      const result = sendResult(id);
      await store.messages.save(sessionId, { ...message(id), action: 'sendMessage', idempotencyKey: 'order-42', result });

      const saved = await store.messages.get(sessionId, id);
      assert.deepEqual(saved, { ...message(id), action: 'sendMessage', idempotencyKey: 'order-42', result, updatedAt: clock.now() });
      assert.deepEqual(await store.messages.find(sessionId, { id, chat }), saved);
      assert.equal(await store.messages.find(sessionId, { id, chat: '79000000000@s.whatsapp.net' }), undefined);
      assert.equal(await store.messages.get(fresh('ses'), id), undefined);
    });

    test('a status only moves forward, whatever order the receipts arrive in', async () => {
      const sessionId = fresh('ses');
      const id = fresh('3EB0');
      await store.messages.save(sessionId, message(id));
      assert.equal(await store.messages.updateStatus(sessionId, id, 'read'), 'read');
      assert.equal(await store.messages.updateStatus(sessionId, id, 'delivered'), 'read');
      assert.equal(await store.messages.updateStatus(sessionId, id, 'sent'), 'read');
      assert.equal((await store.messages.get(sessionId, id))?.status, 'read');
      assert.equal(await store.messages.updateStatus(sessionId, 'unknown', 'read'), undefined);
    });

    test('saving a message again updates its text but never undoes its status, deletion or result', async () => {
      const sessionId = fresh('ses');
      const id = fresh('3EB0');
      const result = sendResult(id);
      await store.messages.save(sessionId, { ...message(id), status: 'read', deletedForEveryone: true, action: 'sendMessage', result });
      await store.messages.save(sessionId, { ...message(id), text: 'Edited', forwardingScore: 2 });

      const saved = await store.messages.get(sessionId, id);
      assert.equal(saved?.text, 'Edited');
      assert.equal(saved?.forwardingScore, 2);
      assert.equal(saved?.status, 'read');
      assert.equal(saved?.deletedForEveryone, true);
      assert.equal(saved?.action, 'sendMessage');
      assert.deepEqual(saved?.result, result);
    });

    test('edits and deletions for everyone are recorded on the stored message', async () => {
      const sessionId = fresh('ses');
      const id = fresh('3EB0');
      const { text: _text, ...withoutText } = message(id);
      await store.messages.save(sessionId, { ...withoutText, kind: 'image' });
      assert.equal((await store.messages.get(sessionId, id))?.text, undefined);

      assert.equal(await store.messages.updateText(sessionId, id, 'New caption'), true);
      assert.equal(await store.messages.markDeleted(sessionId, id), true);
      const saved = await store.messages.get(sessionId, id);
      assert.equal(saved?.text, 'New caption');
      assert.equal(saved?.deletedForEveryone, true);
      assert.equal(await store.messages.markDeleted(sessionId, 'unknown'), false);
      assert.equal(await store.messages.updateText(sessionId, 'unknown', 'x'), false);
    });

    test('the first result under an idempotency key is kept: a second put neither overwrites nor fails', async () => {
      const sessionId = fresh('ses');
      const first = { requestHash: 'hash-1', result: sendResult(fresh('3EB0')) };
      await store.idempotency.put(sessionId, 'order-42', first);
      await store.idempotency.put(sessionId, 'order-42', { requestHash: 'hash-2', result: sendResult(fresh('3EB0')) });

      assert.deepEqual(await store.idempotency.get(sessionId, 'order-42'), first);
      assert.equal(await store.idempotency.get(sessionId, 'order-43'), undefined);
      assert.equal(await store.idempotency.get(fresh('ses'), 'order-42'), undefined);
    });

    test("the action log lists a session's latest actions first, up to the limit", async () => {
      const sessionId = fresh('ses');
      await store.actionLog.append({ sessionId, action: 'sendMessage', idempotencyKey: 'k1', outcome: 'completed', durationMs: 120.4, at: start + 1 });
      await store.actionLog.append({ sessionId, action: 'editMessage', outcome: 'EDIT_WINDOW_EXPIRED', durationMs: 3, at: start + 2 });
      await store.actionLog.append({ sessionId, action: 'sendMessage', outcome: 'TIMEOUT', durationMs: 30_000, at: start + 3 });
      await store.actionLog.append({ sessionId: fresh('ses'), action: 'sendMessage', outcome: 'completed', durationMs: 1, at: start + 4 });

      const recent = await store.actionLog.recent(sessionId, 2);
      assert.deepEqual(recent.map(({ id: _id, ...entry }) => entry), [
        { sessionId, action: 'sendMessage', idempotencyKey: null, outcome: 'TIMEOUT', durationMs: 30_000, at: start + 3 },
        { sessionId, action: 'editMessage', idempotencyKey: null, outcome: 'EDIT_WINDOW_EXPIRED', durationMs: 3, at: start + 2 },
      ]);
      const all = await store.actionLog.recent(sessionId);
      assert.deepEqual(all.map((entry) => [entry.idempotencyKey, entry.durationMs]).at(-1), ['k1', 120]);
    });

    test('a setting is read, replaced, and set-if-absent only once', async () => {
      const name = fresh('setting');
      assert.equal(await store.settings.get(name), undefined);
      await store.settings.set(name, 'one');
      await store.settings.set(name, 'two');
      assert.equal(await store.settings.get(name), 'two');
      assert.equal(await store.settings.setIfAbsent(name, 'three'), false);
      assert.equal(await store.settings.get(name), 'two');
    });

    test('two nodes generating the admin key at once: exactly one wins and its key is kept', async () => {
      const name = fresh('admin_key_hash');
      const candidates = ['key-a', 'key-b', 'key-c', 'key-d'];
      const won = await Promise.all(candidates.map((value) => store.settings.setIfAbsent(name, value)));
      assert.equal(won.filter(Boolean).length, 1);
      assert.equal(await store.settings.get(name), candidates[won.indexOf(true)]);
    });

    test('the store answers a ping', async () => {
      await store.ping();
    });

    describeStoredText(() => store, () => clock.now());
  });
}

let counter = 0;
function fresh(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${randomUUID().slice(0, 8)}`;
}

const chat = '79001234567@s.whatsapp.net';

function message(id: string): MessageRecord {
  return { chat, id, fromMe: true, kind: 'text', timestamp: start, status: 'sent', text: 'Hello', forwardingScore: 0, deletedForEveryone: false };
}

function sendResult(id: string): SendMessageResult {
  return {
    action: 'sendMessage',
    id,
    chat,
    fromMe: true,
    timestamp: new Date(start).toISOString(),
    status: 'sent',
    text: 'Hello',
    parts: [{ chat, id, fromMe: true }],
  };
}
