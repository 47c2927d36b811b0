/**
 * The seed's volume case on the real Baileys engine against the protocol emulator: a clinic's 500
 * reminders at 09:00 through one session. Every one is accepted into the durable queue at once,
 * none is refused RATE_LIMITED, and the recipient decrypts each exactly once, in order, sent no
 * faster than the session's pace allows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService } from '../support/service.js';
import { emulatedWhatsApp } from '../support/whatsapp.js';

const anna = '79001115500';
const count = 500;
// Short for the test (the default is 1 s): the pace still holds between every two sends.
const intervalMs = 20;

test(`${count} reminders through one session: all accepted, none RATE_LIMITED, decrypted once each, in order, at the session's pace`, { timeout: 10 * 60_000 }, async () => {
  const whatsapp = await emulatedWhatsApp();
  whatsapp.emulator.addAccount(anna, { name: 'Anna' });
  const service = await startTestService({ sendIntervalMs: intervalMs, sendQueueLimit: 10_000 }, undefined, whatsapp);
  try {
    const { token } = await linkPhone(service, '+79000000070');
    const began = Date.now();
    const statuses: number[] = [];
    for (let n = 0; n < count; n += 1) {
      const reply = await call<{ status: string; code?: string }>(service.url, 'POST', '/v1/actions/sendMessage', {
        token,
        body: { chat: `+${anna}`, text: `Reminder ${n}` },
        headers: { prefer: 'respond-async', 'idempotency-key': `reminder-${n}` },
      });
      statuses.push(reply.status);
    }
    assert.deepEqual([...new Set(statuses)], [202], 'every reminder accepted into the queue');

    const decrypted = () => whatsapp.emulator.inbox.all().filter((message) => message.recipient === anna && message.device === 0);
    await eventually(() => decrypted().length >= count, `${count} reminders to arrive`, 5 * 60_000);
    await service.runner.idle();
    const arrived = decrypted();
    assert.equal(new Set(arrived.map((message) => message.id)).size, count, 'each message decrypted once');
    assert.equal(arrived.length, count);
    assert.deepEqual(
      arrived.map((message) => message.message.conversation ?? message.message.extendedTextMessage?.text),
      Array.from({ length: count }, (_, n) => `Reminder ${n}`),
      'in the order they were accepted',
    );
    // The pace is a least interval between two sends: the last cannot have left before count - 1 intervals.
    const span = arrived.at(-1)!.receivedAt.getTime() - began;
    assert.ok(span >= (count - 1) * intervalMs, `${count} sends took ${span} ms, less than the pace allows`);
  } finally {
    await service.close();
    await whatsapp.close();
  }
});
