import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { MemoryIdempotencyStore } from '../actions/idempotency.js';
import { ManualClock } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import type { ActionResult } from '../domain/result.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';
import { ActionQueue } from './action-queue.js';
import { MemoryOutbox, type OutboxEntry } from './outbox.js';

const chat = '+79001111111';

/** A sender that records what it was asked to send and finishes each send when the test says. */
class Sender {
  readonly started: OutboxEntry[] = [];
  private readonly pending: (() => void)[] = [];
  hold = false;

  perform = async (entry: OutboxEntry, signal: AbortSignal | undefined): Promise<ActionResult> => {
    this.started.push(entry);
    if (this.hold) {
      await new Promise<void>((resolve, reject) => {
        this.pending.push(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    }
    return { action: 'sendLocation', id: entry.messageId, chat: `${chat.slice(1)}@s.whatsapp.net`, fromMe: true, timestamp: new Date(0).toISOString(), status: 'sent', location: { latitude: 1, longitude: 2 } };
  };

  /** Lets the oldest held send finish. */
  release(): void {
    this.pending.shift()?.();
  }

  get waiting(): number {
    return this.pending.length;
  }
}

let clock: ManualClock;
let sender: Sender;
let results: MemoryIdempotencyStore;
let outbox: MemoryOutbox;
let queue: ActionQueue;

function newQueue(maxQueuedPerSession = 100, stop?: AbortSignal): ActionQueue {
  return new ActionQueue({ perform: sender.perform, outbox, results, clock, maxQueuedPerSession, ...(stop ? { stop } : {}) });
}

beforeEach(() => {
  clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  sender = new Sender();
  results = new MemoryIdempotencyStore();
  outbox = new MemoryOutbox(results);
  queue = newQueue();
});

const at = (latitude: number) => ({ chat, location: { latitude, longitude: 2 } });

async function until(holds: () => boolean): Promise<void> {
  for (let round = 0; !holds(); round += 1) {
    if (round > 10_000) throw new Error('never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('one session’s actions', () => {
  test('run one at a time in the order they were accepted', async () => {
    sender.hold = true;
    const answers = [1, 2, 3].map((n) => queue.submit('s', 'sendLocation', at(n), { idempotencyKey: `k${n}` }));
    await until(() => sender.waiting === 1);
    assert.equal(sender.started.length, 1, 'the second waits for the first');
    for (let n = 0; n < 3; n += 1) {
      await until(() => sender.waiting === 1);
      sender.release();
    }
    await Promise.all(answers);
    assert.deepEqual(sender.started.map((entry) => entry.key), ['k1', 'k2', 'k3']);
  });

  test('beyond the queue bound a caller is RATE_LIMITED at once; another session is not held up', async () => {
    queue = newQueue(1);
    sender.hold = true;
    const first = queue.submit('s', 'sendLocation', at(1));
    const second = queue.submit('s', 'sendLocation', at(2));
    await until(() => sender.waiting === 1);
    await rejectsWithCode(queue.submit('s', 'sendLocation', at(3)), 'RATE_LIMITED');
    const elsewhere = queue.submit('t', 'sendLocation', at(4));
    await until(() => sender.waiting === 2);
    sender.release();
    sender.release();
    await until(() => sender.waiting === 1);
    sender.release();
    await Promise.all([first, second, elsewhere]);
  });
});

describe('one key', () => {
  test('concurrent requests share one attempt and one answer', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'same' })));
    assert.equal(sender.started.length, 1);
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
  });

  test('another input under the key is IDEMPOTENCY_CONFLICT, while it waits and after', async () => {
    sender.hold = true;
    const first = queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'k' });
    await rejectsWithCode(queue.submit('s', 'sendLocation', at(2), { idempotencyKey: 'k' }), 'IDEMPOTENCY_CONFLICT');
    await until(() => sender.waiting === 1);
    sender.release();
    await first;
    await rejectsWithCode(queue.submit('s', 'sendLocation', at(2), { idempotencyKey: 'k' }), 'IDEMPOTENCY_CONFLICT');
    assert.equal(sender.started.length, 1);
  });
});

describe('two ways to wait', () => {
  test('respond-async answers the queued entry once it is durable; the send follows, once', async () => {
    sender.hold = true;
    const answer = await queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'k', respondAsync: true });
    assert.equal(answer.kind, 'accepted');
    assert.equal(answer.kind === 'accepted' && answer.entry.state, 'queued');
    assert.equal((await outbox.get('s', 'k'))?.state, 'queued', 'recorded before the answer');
    const again = await queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'k', respondAsync: true });
    assert.equal(again.kind, 'accepted');
    await until(() => sender.waiting === 1);
    sender.release();
    await queue.idle();
    assert.equal(sender.started.length, 1);
    assert.equal(await outbox.get('s', 'k'), undefined, 'the entry left when its result was recorded');
    const done = await queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'k', respondAsync: true });
    assert.equal(done.kind, 'done');
  });

  test('a deadline that passes while the action waits withdraws it: TIMEOUT, and nothing is sent later', async () => {
    sender.hold = true;
    const first = queue.submit('s', 'sendLocation', at(1));
    const late = queue.submit('s', 'sendLocation', at(2), { idempotencyKey: 'late', deadline: clock.now() + 5_000 });
    await until(() => sender.waiting === 1);
    clock.advance(6_000);
    await rejectsWithCode(late, 'TIMEOUT');
    sender.release();
    await first;
    await queue.idle();
    assert.equal(sender.started.length, 1, 'the withdrawn action never reached the sender');
    assert.equal((await outbox.get('s', 'late'))?.error?.code, 'TIMEOUT');
  });

  test('a failed action keeps its error for its status; a retry with the key tries again', async () => {
    let fail = true;
    const perform = sender.perform;
    sender.perform = async (entry, signal) => {
      if (fail) throw new ConnectorError('NOT_ON_WHATSAPP', 'no account');
      return perform(entry, signal);
    };
    queue = newQueue();
    await queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'k', respondAsync: true });
    await queue.idle();
    assert.equal((await outbox.get('s', 'k'))?.state, 'failed');
    assert.equal((await outbox.get('s', 'k'))?.error?.code, 'NOT_ON_WHATSAPP');
    fail = false;
    const retried = await queue.submit('s', 'sendLocation', at(1), { idempotencyKey: 'k' });
    assert.equal(retried.kind, 'done');
  });
});

describe('stopping and recovering', () => {
  test('what was not sent when the process stopped stays queued; the next start sends each once, in order', async () => {
    const stop = new AbortController();
    queue = newQueue(100, stop.signal);
    sender.hold = true;
    for (const n of [1, 2, 3]) await queue.submit('s', 'sendLocation', at(n), { idempotencyKey: `k${n}`, respondAsync: true });
    await until(() => sender.waiting === 1);
    stop.abort(new ConnectorError('SHUTTING_DOWN', 'stopping'));
    await queue.idle();
    assert.deepEqual((await outbox.queued()).map((entry) => entry.key), ['k1', 'k2', 'k3']);

    sender = new Sender();
    queue = newQueue();
    assert.equal(await queue.recover(), 3);
    assert.equal(await queue.recover(), 0, 'what is already being sent is not queued twice');
    await queue.idle();
    assert.deepEqual(sender.started.map((entry) => entry.key), ['k1', 'k2', 'k3']);
    assert.deepEqual(await outbox.queued(), []);
  });
});
