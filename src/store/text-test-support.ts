import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { isConnectorError } from '../domain/errors.js';
import type { SendMessageResult } from '../domain/result.js';
import type { Store } from './store.js';

const chat = '79001234567@s.whatsapp.net';
/** As many actions as `npm run bench:http` keeps in flight: they finish together and share a batch. */
const together = 32;

/**
 * Part of `describeStore`: text the databases cannot keep as given, and one bad row among
 * many committed together. `store()` is the suite's open store.
 */
export function describeStoredText(store: () => Store, now: () => number): void {
  const refusedNaming = (field: string) => (error: unknown) => {
    assert.ok(isConnectorError(error), String(error));
    assert.equal(error.code, 'VALIDATION_ERROR');
    assert.match(error.message, new RegExp(`^${field} `));
    return true;
  };

  test('text with a NUL or a lone surrogate is refused with VALIDATION_ERROR naming the field, on every database alike', async () => {
    const id = `ses-${randomUUID()}`;
    await assert.rejects(store().sessions.create(id, 'x\u0000'), refusedNaming('label'));
    await assert.rejects(store().sessions.create(id, 'x\ud800y'), refusedNaming('label'));
    assert.equal(await store().sessions.get(id), undefined);

    await store().sessions.create(id, 'Reception 🏥');
    const result = sendResult('Hello');
    await store().idempotency.put(id, 'order-1', { requestHash: 'h', result });
    await assert.rejects(store().messages.updateText(id, result.id, 'a\u0000b'), refusedNaming('text'));
    await assert.rejects(store().messages.updateText(id, result.id, 'x\udc00'), refusedNaming('text'));
    assert.equal((await store().messages.get(id, result.id))?.text, 'Hello', 'the stored text is unchanged');
    assert.equal((await store().sessions.get(id))?.label, 'Reception 🏥', 'a surrogate pair is kept as given');
  });

  test(`one unstorable text among ${together} actions finishing together fails alone; the others are recorded`, async () => {
    const sessions = Array.from({ length: together }, () => `ses-${randomUUID()}`);
    const results = sessions.map((_, index) => sendResult(index === 7 ? 'a\u0000b' : `Reminder ${index}`));
    const puts = await Promise.allSettled(sessions.map((sessionId, index) => store().idempotency.put(sessionId, 'order-1', { requestHash: 'h', result: results[index]! })));
    assert.deepEqual(puts.map((put, index) => (put.status === 'fulfilled' ? 'ok' : index)), puts.map((_, index) => (index === 7 ? 7 : 'ok')));
    assert.ok(refusedNaming('text')((puts[7] as PromiseRejectedResult).reason));
    for (const [index, sessionId] of sessions.entries()) {
      const recorded = await store().messages.get(sessionId, results[index]!.id);
      assert.equal(recorded?.text, index === 7 ? undefined : `Reminder ${index}`);
    }
  });

  test(`a row the database itself refuses fails alone; the ${together - 1} committed with it are kept`, async () => {
    const sessions = Array.from({ length: together }, () => `ses-${randomUUID()}`);
    // No timestamp: NOT NULL refuses the message row, on SQLite as on PostgreSQL.
    const results = sessions.map((_, index) => (index === 3 ? { ...sendResult('Broken'), timestamp: 'not a time' } : sendResult(`Reminder ${index}`)));
    const puts = await Promise.allSettled(sessions.map((sessionId, index) => store().idempotency.put(sessionId, 'order-1', { requestHash: 'h', result: results[index]! })));
    assert.deepEqual(puts.map((put) => put.status), puts.map((_, index) => (index === 3 ? 'rejected' : 'fulfilled')));
    for (const [index, sessionId] of sessions.entries()) {
      assert.equal((await store().idempotency.get(sessionId, 'order-1')) === undefined, index === 3);
    }
  });

  function sendResult(text: string): SendMessageResult {
    const id = `3EB0${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`;
    return { action: 'sendMessage', id, chat, fromMe: true, timestamp: new Date(now()).toISOString(), status: 'sent', text, parts: [{ chat, id, fromMe: true }] };
  }
}
