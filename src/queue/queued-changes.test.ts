import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { MemoryIdempotencyStore } from '../actions/idempotency.js';
import { ManualClock } from '../domain/clock.js';
import type { ActionResult } from '../domain/result.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';
import { ActionQueue } from './action-queue.js';
import { MemoryOutbox, type OutboxEntry } from './outbox.js';

const chat = '+79001111111';
const jid = '79001111111@s.whatsapp.net';

/** Sends each action when the test lets it: what it was asked to send, in order. */
class HeldSender {
  readonly sent: OutboxEntry[] = [];
  private readonly held: (() => void)[] = [];

  perform = async (entry: OutboxEntry): Promise<ActionResult> => {
    this.sent.push(entry);
    await new Promise<void>((resolve) => this.held.push(resolve));
    return { action: 'sendMessage', id: entry.messageId, chat: jid, fromMe: true, timestamp: new Date(0).toISOString(), status: 'sent', parts: [] };
  };

  async releaseAll(): Promise<void> {
    for (let round = 0; round < 1000; round += 1) {
      this.held.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

let sender: HeldSender;
let outbox: MemoryOutbox;
let queue: ActionQueue;

beforeEach(() => {
  sender = new HeldSender();
  const results = new MemoryIdempotencyStore();
  outbox = new MemoryOutbox(results);
  queue = new ActionQueue({ perform: sender.perform, outbox, results, clock: new ManualClock(Date.parse('2026-03-02T09:00:00Z')), maxQueuedPerSession: 100 });
});

async function queued(key: string, text: string) {
  const answer = await queue.submit('s', 'sendMessage', { chat, text }, { idempotencyKey: key, respondAsync: true });
  assert.equal(answer.kind, 'accepted');
  return answer.kind === 'accepted' ? answer.entry : assert.fail();
}

async function until(holds: () => boolean): Promise<void> {
  for (let round = 0; !holds(); round += 1) {
    if (round > 10_000) throw new Error('never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The outbox row under `key`, once its claim is in. */
async function claimedRow(key: string) {
  for (let round = 0; round < 10_000; round += 1) {
    const row = await outbox.get('s', key);
    if (row) return row;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no row ${key}`);
}

describe('a message still queued', () => {
  test('an edit changes what is sent; a deletion withdraws it, and its caller hears WITHDRAWN', async () => {
    const first = queue.submit('s', 'sendMessage', { chat, text: 'Your appointment is at 10:00' }, { idempotencyKey: 'k1' });
    const second = await queued('k2', 'Bring your referral');
    const waiting = queue.submit('s', 'sendMessage', { chat, text: 'See you tomorrow' }, { idempotencyKey: 'k3' });
    const withdrawn = rejectsWithCode(waiting, 'WITHDRAWN');
    const third = await claimedRow('k3');

    const edit = await queue.submit('s', 'editMessage', { message: second.messageId, chat, text: 'Bring your referral and passport' });
    assert.equal(edit.kind === 'done' && edit.result.status, 'pending', 'answered at once: the message has not left');
    const deletion = await queue.submit('s', 'deleteMessage', { message: { id: third.messageId, chat } });
    assert.equal(deletion.kind === 'done' && deletion.result.action, 'deleteMessage');

    await sender.releaseAll();
    await first;
    await withdrawn;
    assert.deepEqual(
      sender.sent.map((entry) => (entry.params as { text: string }).text),
      ['Your appointment is at 10:00', 'Bring your referral and passport'],
      'the edited text went, the deleted message never did',
    );
    assert.equal((await outbox.get('s', 'k3'))?.error?.code, 'WITHDRAWN');
  });

  test('a message whose send has started is edited after it, as any sent message', async () => {
    const sending = await queued('k1', 'Old text');
    await until(() => sender.sent.length === 1);
    const edit = queue.submit('s', 'editMessage', { message: sending.messageId, chat, text: 'New text' });
    await sender.releaseAll();
    await edit;
    assert.deepEqual(sender.sent.map((entry) => entry.action), ['sendMessage', 'editMessage']);
    assert.equal((sender.sent[0]!.params as { text: string }).text, 'Old text');
  });

  test('a restart sends the edited text, and never the deleted message', async () => {
    const held = queue.submit('s', 'sendMessage', { chat, text: 'Holding the lane' }, { idempotencyKey: 'k0' });
    const edited = await queued('k1', 'Old');
    const deleted = await queued('k2', 'Gone');
    await queue.submit('s', 'editMessage', { message: edited.messageId, chat, text: 'New' });
    await queue.submit('s', 'deleteMessage', { message: deleted.messageId, chat });
    assert.deepEqual((await outbox.queued()).map((row) => [row.key, (row.params as { text: string }).text]), [['k0', 'Holding the lane'], ['k1', 'New']]);
    void held;
  });
});
