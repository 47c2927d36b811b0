/**
 * The Baileys engine through the service, where the real protocol matters: a restart that needs
 * no new scan, a socket that fails mid-send, a session that cannot reconnect, a sender that sends
 * faster than its pace. Baileys talks to the WhatsApp Web protocol emulator on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { liveStorages } from '../../src/engines/baileys/socket-storage.js';
import type { ServiceConfig } from '../../src/service/config.js';
import { dropConnection } from '../wa-emulator/device-control.js';
import { replyFromPhone } from '../wa-emulator/incoming.js';
import type { WaEmulator } from '../wa-emulator/index.js';
import { eventually, waitLimitMs } from '../support/eventually.js';
import { call, openSse } from '../support/http.js';
import { linkPhone, startTestService, tempDir, type TestService } from '../support/service.js';
import { emulatedWhatsApp, type TestWhatsApp } from '../support/whatsapp.js';

const anna = '+79001111111';
const boris = '+79002222222';
/** A phone that links only in the linking test. */
const clinic = '+79003333333';
let whatsapp: TestWhatsApp & { emulator: WaEmulator };
let emulator: WaEmulator;

before(async () => {
  whatsapp = await emulatedWhatsApp();
  emulator = whatsapp.emulator;
  emulator.addAccount('79001111111');
  emulator.addAccount('79002222222');
});
after(() => whatsapp.close());

type Result = Record<string, unknown> & { id: string; chat: string };

function act(service: TestService, token: string, action: string, body: unknown, key?: string) {
  return call<Result>(service.url, 'POST', `/v1/actions/${action}`, { token, body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
}

function start(config: Partial<ServiceConfig> = {}) {
  return startTestService(config, undefined, whatsapp);
}

/** How many times the recipient's phone decrypted message `id`, and how many it shows. */
function atAnna(id: string) {
  const decrypted = emulator.inbox.all().filter((m) => m.id === id && m.recipient === '79001111111' && m.device === 0).length;
  const shown = emulator.inbox.of('79001111111').filter((m) => m.id === id).length;
  return { decrypted, shown };
}

const companionOf = (phone: string) => {
  const account = emulator.accounts.byPhoneNumber(phone)!;
  return { account, deviceId: Math.max(...account.companions.keys()) };
};

describe('linking', () => {
  test('when every QR code has run out the link page says so; opened again it shows fresh codes, and one of them links', async () => {
    emulator.faults.qrRefs = 2;
    // Long enough for a busy machine to draw each code before the next one replaces it.
    const service = await start({ qrTimeoutMs: 2_500 });
    try {
      const { sessionId } = (await service.admin<{ sessionId: string }>('POST', '/v1/sessions')).body;
      const stream = await openSse(`${service.url}/v1/sessions/${sessionId}/link`);
      const shown = [await stream.next('qr', 15_000), await stream.next('qr', 15_000)].map((event) => String(event.data.qr));
      assert.notEqual(shown[0], shown[1], 'the code rotates');
      assert.deepEqual((await stream.next('failed', 15_000)).data, { reason: 'qr-timeout' });
      stream.close();
      assert.equal(service.engine.getSessionStatus(sessionId)?.state, 'failed');
      assert.equal((await service.admin<{ state: string }>('GET', `/v1/sessions/${sessionId}`)).body.state, 'failed', 'the store says what the engine says');
      await assert.rejects(whatsapp.scan(service, sessionId, clinic, shown[1]!), 'an expired code links nothing');

      emulator.faults.qrRefs = 6;
      const again = await openSse(`${service.url}/v1/sessions/${sessionId}/link`);
      // On a busy machine a short-lived code may expire before the scan lands: scan the next one then.
      for (let scanned = false; !scanned; ) {
        const fresh = String((await again.next('qr')).data.qr);
        assert.ok(!shown.includes(fresh));
        scanned = await whatsapp.scan(service, sessionId, clinic, fresh).then(() => true, () => false);
      }
      const connected = await again.next('connected');
      again.close();
      assert.match(String(connected.data.token), /^wac_/);
    } finally {
      emulator.faults.qrRefs = 6;
      await service.close();
    }
  });
});

describe('a restart', () => {
  test('reconnects with no scan; edit, react, forward and delete still work on a message sent before', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir });
    const { sessionId, token } = await linkPhone(first, '+79000000010');
    const sent = (await act(first, token, 'sendMessage', { chat: anna, text: 'Your visit is at 10:00' })).body;
    assert.equal(sent.action, 'sendMessage');
    await first.close();
    await eventually(() => liveStorages() === 0, 'the closed sockets to give back their storages');
    const linkedDevices = emulator.accounts.byPhoneNumber('79000000010')!.companions.size;

    const second = await start({ dataDir });
    try {
      assert.equal(second.restoredSessions, 1);
      await eventually(() => second.engine.getSessionStatus(sessionId)?.state === 'connected', 'the session to reconnect');
      assert.equal(emulator.accounts.byPhoneNumber('79000000010')!.companions.size, linkedDevices, 'no new link: the saved device logged in again');
      assert.equal(liveStorages(), 1, 'only the open socket keeps its AsyncLocalStorage');

      assert.equal((await act(second, token, 'editMessage', { message: sent, text: 'Your visit is at 11:00' })).status, 200);
      assert.equal((await act(second, token, 'sendReaction', { message: sent, emoji: '🗓' })).status, 200);
      const forwarded = await act(second, token, 'forwardMessage', { message: sent, chat: boris });
      assert.equal(forwarded.status, 200, JSON.stringify(forwarded.body));
      assert.equal((await act(second, token, 'deleteMessage', { message: sent })).status, 200);

      const seen = await whatsapp.seenBy(second, anna);
      const original = seen.find((m) => m.id === sent.id);
      assert.equal(original?.deleted, true);
      assert.deepEqual(original?.reactions.map((r) => r.emoji), ['🗓']);
      const atBoris = (await whatsapp.seenBy(second, boris)).find((m) => m.id === forwarded.body.id);
      assert.equal(atBoris?.text, 'Your visit is at 11:00');
      assert.equal(atBoris?.forwarded, true);
    } finally {
      await second.close();
    }
  });
});

describe('messages others send', () => {
  test('a reply from a client can be reacted to and forwarded by its id', async () => {
    const service = await start();
    try {
      const { sessionId, token } = await linkPhone(service, '+79000000050');
      assert.equal((await act(service, token, 'sendMessage', { chat: anna, text: 'See you tomorrow at 11?' })).status, 200);
      const id = await replyFromPhone(emulator, '79001111111', '79000000050', { conversation: 'Can I come at 12 instead?' });
      await eventually(async () => (await service.engine.findMessage(sessionId, { id })) !== undefined, 'the reply to be kept');

      assert.equal((await act(service, token, 'sendReaction', { message: id, chat: anna, emoji: '👌' })).status, 200);
      const reaction = await emulator.inbox.waitFor((m) => m.recipient === '79001111111' && m.message.reactionMessage?.key?.id === id);
      assert.equal(reaction.message.reactionMessage?.text, '👌');
      assert.equal(reaction.message.reactionMessage?.key?.fromMe, false);

      const forwarded = await act(service, token, 'forwardMessage', { message: { id, chat: anna }, chat: boris });
      assert.equal(forwarded.status, 200, JSON.stringify(forwarded.body));
      const atBoris = (await whatsapp.seenBy(service, boris)).find((m) => m.id === forwarded.body.id);
      assert.equal(atBoris?.text, 'Can I come at 12 instead?');
      assert.equal(atBoris?.forwarded, true);
      problem(await act(service, token, 'editMessage', { message: id, chat: anna, text: 'not mine' }), 'NOT_YOUR_MESSAGE');
    } finally {
      await service.close();
    }
  });
});

function problem(reply: { status: number; body: Record<string, unknown> }, code: string): void {
  assert.equal(reply.body.code, code, JSON.stringify(reply.body));
}

describe('faults', () => {
  let service: TestService;
  let token: string;
  before(async () => {
    // Long enough for an ordinary ack on a busy machine; the withheld ack waits it out once.
    service = await start({ ackTimeoutMs: 8_000 });
    ({ token } = await linkPhone(service, '+79000000020'));
    // A first message opens the Signal session, so the faults hit an ordinary send.
    assert.equal((await act(service, token, 'sendMessage', { chat: anna, text: 'warm-up' })).status, 200);
  });
  after(() => service.close());

  test('the socket drops before WhatsApp took the message: it is sent again on the next connection, and arrives once', async () => {
    emulator.faults.dropOnNextMessage('before-delivery');
    const reply = await act(service, token, 'sendMessage', { chat: anna, text: 'Dropped before delivery' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(atAnna(reply.body.id), { decrypted: 1, shown: 1 });
  });

  test('the socket drops after delivery but before the ack: sent again under the same id, shown once', async () => {
    emulator.faults.dropOnNextMessage('after-delivery');
    const reply = await act(service, token, 'sendMessage', { chat: anna, text: 'Dropped after delivery' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(atAnna(reply.body.id), { decrypted: 2, shown: 1 });
  });

  test('WhatsApp never acks: TIMEOUT; a retry with the same key completes, and the phone still shows it once', async () => {
    emulator.faults.withholdAcks = true;
    const failed = await act(service, token, 'sendMessage', { chat: anna, text: 'Unconfirmed' }, 'reminder-77');
    emulator.faults.withholdAcks = false;
    assert.equal(failed.status, 504, JSON.stringify(failed.body));
    assert.equal(failed.body.code, 'TIMEOUT');

    const retried = await act(service, token, 'sendMessage', { chat: anna, text: 'Unconfirmed' }, 'reminder-77');
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.deepEqual(atAnna(retried.body.id), { decrypted: 2, shown: 1 });
  });

  test('an action that arrives while the session reconnects waits for it and is sent', async () => {
    const { account, deviceId } = companionOf('79000000020');
    dropConnection(emulator, account, deviceId);
    const reply = await act(service, token, 'sendMessage', { chat: anna, text: 'Sent after the reconnect' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(atAnna(reply.body.id), { decrypted: 1, shown: 1 });
  });
});

describe('a session that cannot reconnect', () => {
  test('an action waits up to the reconnect limit, then fails with SESSION_NOT_CONNECTED and sends nothing', async () => {
    const service = await start({ reconnectWaitMs: 800 });
    try {
      const { sessionId, token } = await linkPhone(service, '+79000000030');
      const { account, deviceId } = companionOf('79000000030');
      emulator.faults.dropLogins = true;
      dropConnection(emulator, account, deviceId);
      await eventually(() => service.engine.getSessionStatus(sessionId)?.state === 'reconnecting', 'the session to notice');
      const before = emulator.inbox.of('79001111111').length;
      const started = Date.now();
      const reply = await act(service, token, 'sendMessage', { chat: anna, text: 'Nobody hears this' });
      assert.equal(reply.status, 503, JSON.stringify(reply.body));
      assert.equal(reply.body.code, 'SESSION_NOT_CONNECTED');
      assert.ok(Date.now() - started >= 700, 'it waited for the reconnect first');
      assert.equal(emulator.inbox.of('79001111111').length, before);

      emulator.faults.dropLogins = false;
      await eventually(() => service.engine.getSessionStatus(sessionId)?.state === 'connected', 'the session to come back', Math.max(waitLimitMs, 70_000));
      assert.equal((await act(service, token, 'sendMessage', { chat: anna, text: 'Back again' })).status, 200);
    } finally {
      emulator.faults.dropLogins = false;
      await service.close();
    }
  });
});

describe('pacing', () => {
  test('sends wait their turn at the configured pace; a caller beyond the queue bound gets RATE_LIMITED', async () => {
    const service = await start({ sendIntervalMs: 300, sendQueueLimit: 1 });
    try {
      const { token } = await linkPhone(service, '+79000000040');
      const started = Date.now();
      const replies = await Promise.all([1, 2, 3].map((n) => act(service, token, 'sendMessage', { chat: anna, text: `Paced ${n}` })));
      const statuses = replies.map((reply) => reply.status).sort();
      assert.deepEqual(statuses, [200, 200, 429], JSON.stringify(replies.map((r) => r.body)));
      assert.equal(replies.find((reply) => reply.status === 429)?.body.code, 'RATE_LIMITED');
      assert.ok(Date.now() - started >= 300, 'the second send waited for the pace');
    } finally {
      await service.close();
    }
  });
});
