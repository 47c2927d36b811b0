import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sampleJpeg, samplePdf, samplePng, serve, startServer, type TestServer } from '../attachments/test-support.js';
import { ByteBudget } from '../attachments/byte-budget.js';
import { ConnectorError } from '../domain/errors.js';
import type { ActionResults } from '../domain/result.js';
import { linkedSandbox, type LinkedSandbox } from '../engines/sandbox/index.js';
import { ActionRunner } from './runner.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';

const anna = '+79001111111';
const annaJid = '79001111111@s.whatsapp.net';
const friends = ['+79002222222', '+79003333333', '+79004444444', '+79005555555', '+79006666666'];
const noWhatsApp = '+79009999999';
const minute = 60_000;
const MB = 1024 * 1024;

let files: TestServer;
let sandbox: LinkedSandbox;
let runner: ActionRunner;

before(async () => {
  files = await startServer({
    '/photo.png': serve(samplePng(), { 'content-type': 'text/plain' }),
    '/invoice': serve(samplePdf()),
    '/big.jpg': serve(sampleJpeg(6 * 1024 * 1024)),
  });
});
after(() => files.close());

beforeEach(async () => {
  sandbox = await linkedSandbox({
    phones: Object.fromEntries([[anna, { name: 'Anna' }], ...friends.map((phone) => [phone, {}]), [noWhatsApp, { onWhatsApp: false }]]),
  });
  runner = new ActionRunner({
    engine: sandbox.engine,
    clock: sandbox.clock,
    attachments: { allowPrivateAddresses: true },
  });
});

function seenByAnna() {
  return sandbox.network.conversation(anna, sandbox.bot.jid);
}

async function sendHello(key = 'hello'): Promise<ActionResults['sendMessage']> {
  return runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Hello' }, { idempotencyKey: key });
}


describe('the seven actions', () => {
  test('sends a text and returns a result that names the message', async () => {
    const result = await sendHello();
    assert.equal(result.action, 'sendMessage');
    assert.equal(result.chat, annaJid);
    assert.equal(result.fromMe, true);
    assert.equal(result.status, 'sent');
    assert.equal(result.timestamp, '2026-01-01T09:00:00.000Z');
    assert.match(result.id, /^3EB0[0-9A-F]{18}$/);
    assert.deepEqual(result.parts, [{ chat: annaJid, id: result.id, fromMe: true }]);
    assert.deepEqual(seenByAnna().map((message) => message.text), ['Hello']);
  });

  test('sends attachments as media by the type in their bytes, with the text as caption', async () => {
    const result = await runner.run(sandbox.sessionId, 'sendMessage', {
      chat: anna,
      text: 'Your results',
      attachments: [
        { title: 'Scan', url: files.url('/photo.png') },
        { title: 'Invoice', url: files.url('/invoice') },
      ],
    });
    assert.deepEqual(
      result.attachments?.map(({ type, fileName, mimeType }) => ({ type, fileName, mimeType })),
      [
        { type: 'image', fileName: 'Scan.png', mimeType: 'image/png' },
        { type: 'document', fileName: 'Invoice.pdf', mimeType: 'application/pdf' },
      ],
    );
    const seen = seenByAnna();
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.kind, 'image');
    assert.equal(seen[0]?.caption, 'Your results');
    assert.equal(seen[1]?.attachments?.[0]?.fileName, 'Invoice.pdf');
    assert.equal(result.id, seen[0]?.id);
  });

  test('sends every attachment as a document when asked', async () => {
    await runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, attachments: { title: 'Scan', url: files.url('/photo.png') }, attachmentFormat: 'document' });
    assert.equal(seenByAnna()[0]?.kind, 'document');
    assert.equal(seenByAnna()[0]?.attachments?.[0]?.fileName, 'Scan.png');
  });

  test('a text too long for a caption goes first as its own message', async () => {
    const text = 'x'.repeat(1025);
    const result = await runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text, attachments: { title: 'Scan', url: files.url('/photo.png') } });
    assert.deepEqual(seenByAnna().map((message) => message.kind), ['text', 'image']);
    assert.equal(result.parts.length, 2);
    assert.equal(seenByAnna()[1]?.caption, undefined);
  });

  test('sends a location', async () => {
    const location = { latitude: 55.7558, longitude: 37.6173, name: 'Clinic', address: 'Tverskaya 1' };
    const result = await runner.run(sandbox.sessionId, 'sendLocation', { chat: anna, location });
    assert.deepEqual(result.location, location);
    assert.deepEqual(seenByAnna()[0]?.location, location);
  });

  test('sends a contact card', async () => {
    const result = await runner.run(sandbox.sessionId, 'sendContact', { chat: anna, contact: { name: 'Dr. Ivanova', phones: ['+79007777777'] } });
    assert.deepEqual(result.contacts, [{ name: 'Dr. Ivanova', phones: ['+79007777777'] }]);
    assert.match(seenByAnna()[0]?.contact?.vcard ?? '', /waid=79007777777/);
  });

  test('reacts to a message using its saved result; a new reaction replaces it and "" removes it', async () => {
    const sent = await sendHello();
    const reaction = await runner.run(sandbox.sessionId, 'sendReaction', { message: sent, emoji: '👍' });
    assert.deepEqual(reaction.target, { chat: annaJid, id: sent.id, fromMe: true });
    assert.deepEqual(seenByAnna()[0]?.reactions.map((r) => r.emoji), ['👍']);
    await runner.run(sandbox.sessionId, 'sendReaction', { message: sent, emoji: '🎉' });
    assert.deepEqual(seenByAnna()[0]?.reactions.map((r) => r.emoji), ['🎉']);
    await runner.run(sandbox.sessionId, 'sendReaction', { message: sent, emoji: '' });
    assert.deepEqual(seenByAnna()[0]?.reactions, []);
  });

  test('reacts to a message Anna sent, found by its id and chat', async () => {
    const hers = sandbox.network.phone(anna)!.sendText(sandbox.bot.jid, 'Can I come at 10?');
    await runner.run(sandbox.sessionId, 'sendReaction', { message: hers.id, chat: anna, emoji: '👌' });
    assert.deepEqual(sandbox.network.conversation(anna, sandbox.bot.jid)[0]?.reactions.map((r) => r.emoji), ['👌']);
  });

  test('forwards to up to five chats, marked as forwarded, and refuses a sixth', async () => {
    const sent = await sendHello();
    const result = await runner.run(sandbox.sessionId, 'forwardMessage', { message: sent, chat: friends });
    assert.equal(result.forwards.length, 5);
    const seen = sandbox.network.conversation(friends[4]!, sandbox.bot.jid)[0];
    assert.equal(seen?.text, 'Hello');
    assert.equal(seen?.forwarded, true);
    await rejectsWithCode(runner.run(sandbox.sessionId, 'forwardMessage', { message: sent, chat: [...friends, anna] }), 'VALIDATION_ERROR');
  });

  test('edits its own message within 15 minutes, and the edit result can be edited again', async () => {
    const sent = await sendHello();
    sandbox.clock.advance(15 * minute);
    const edited = await runner.run(sandbox.sessionId, 'editMessage', { message: sent, text: 'Hello again' });
    assert.equal(edited.id, sent.id);
    assert.equal(seenByAnna()[0]?.text, 'Hello again');
    assert.equal(seenByAnna()[0]?.edited, true);
    sandbox.clock.advance(1);
    await rejectsWithCode(runner.run(sandbox.sessionId, 'editMessage', { message: edited, text: 'Too late' }), 'EDIT_WINDOW_EXPIRED');
    assert.equal(seenByAnna()[0]?.text, 'Hello again');
  });

  test('deletes its own message for everyone within 60 hours, and refuses after', async () => {
    const first = await sendHello('first');
    const second = await sendHello('second');
    sandbox.clock.advance(60 * 60 * minute);
    const deleted = await runner.run(sandbox.sessionId, 'deleteMessage', { message: first });
    assert.equal(deleted.forEveryone, true);
    assert.equal(seenByAnna()[0]?.deleted, true);
    sandbox.clock.advance(1);
    await rejectsWithCode(runner.run(sandbox.sessionId, 'deleteMessage', { message: second }), 'DELETE_WINDOW_EXPIRED');
    await runner.run(sandbox.sessionId, 'deleteMessage', { message: second, forEveryone: false });
    assert.equal(seenByAnna()[1]?.deleted, false, 'deleting for me leaves Anna’s copy');
  });

  test('deleting a saved result with attachments deletes every part', async () => {
    const result = await runner.run(sandbox.sessionId, 'sendMessage', {
      chat: anna,
      text: 'x'.repeat(2000),
      attachments: { title: 'Scan', url: files.url('/photo.png') },
    });
    await runner.run(sandbox.sessionId, 'deleteMessage', { message: result });
    assert.deepEqual(seenByAnna().map((message) => message.deleted), [true, true]);
  });

  test('sends to a group', async () => {
    const group = sandbox.network.createGroup('Staff', [sandbox.bot.phone, anna, friends[0]!]);
    const result = await runner.run(sandbox.sessionId, 'sendMessage', { chat: group, text: 'Meeting at 5' });
    assert.equal(result.chat, group);
    assert.equal(sandbox.network.conversation(friends[0]!, group)[0]?.text, 'Meeting at 5');
  });
});

describe('errors, each with its code', () => {
  test('INVALID_CHAT for a chat that is not a number or chat id', async () => {
    const error = await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: 'Anna', text: 'Hi' }), 'INVALID_CHAT');
    assert.match(error.message, /"Anna"/);
  });

  test('VALIDATION_ERROR for input that does not fit the action', async () => {
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendLocation', { chat: anna, location: { latitude: 200, longitude: 0 } }), 'VALIDATION_ERROR');
  });

  test('NOT_ON_WHATSAPP for a number without an account, and nothing is sent', async () => {
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: noWhatsApp, text: 'Hi' }), 'NOT_ON_WHATSAPP');
  });

  test('MESSAGE_NOT_FOUND for an unknown message id', async () => {
    await rejectsWithCode(runner.run(sandbox.sessionId, 'editMessage', { message: '3EB0000000000000000000', text: 'x' }), 'MESSAGE_NOT_FOUND');
  });

  test('NOT_YOUR_MESSAGE when editing or deleting for everyone what Anna sent', async () => {
    const hers = sandbox.network.phone(anna)!.sendText(sandbox.bot.jid, 'Hi');
    await rejectsWithCode(runner.run(sandbox.sessionId, 'editMessage', { message: hers.id, chat: anna, text: 'x' }), 'NOT_YOUR_MESSAGE');
    await rejectsWithCode(runner.run(sandbox.sessionId, 'deleteMessage', { message: hers.id, chat: anna }), 'NOT_YOUR_MESSAGE');
  });

  test('ATTACHMENT_TOO_LARGE for an image over 5 MB sent as media; nothing is sent', async () => {
    const error = await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Look', attachments: { title: 'Big', url: files.url('/big.jpg') } }), 'ATTACHMENT_TOO_LARGE');
    assert.equal(error.details?.kind, 'image');
    assert.deepEqual(seenByAnna(), []);
  });

  test('gives the files and their bytes back after the send, and after a send that failed', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'runner-test-'));
    const budget = new ByteBudget(MB);
    const spooling = new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock, attachments: { allowPrivateAddresses: true, budget, directory } });
    const input = { chat: anna, text: 'Your invoice', attachments: [{ title: 'Invoice', url: files.url('/invoice') }] };
    try {
      await spooling.run(sandbox.sessionId, 'sendMessage', input);
      assert.equal(seenByAnna()[0]?.attachments?.[0]?.size, samplePdf().length);
      assert.deepEqual([budget.inUse, await readdir(directory)], [0, []]);

      sandbox.engine.failNextSend(new ConnectorError('ENGINE_ERROR', 'socket closed'));
      await rejectsWithCode(spooling.run(sandbox.sessionId, 'sendMessage', input), 'ENGINE_ERROR');
      assert.deepEqual([budget.inUse, await readdir(directory)], [0, []]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('RATE_LIMITED, nothing sent, while other actions hold the attachment budget of the process', async () => {
    const budget = new ByteBudget(MB);
    budget.forRequest(MB).take(MB - 10);
    const busy = new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock, attachments: { allowPrivateAddresses: true, budget } });
    const input = { chat: anna, text: 'Your invoice', attachments: [{ title: 'Invoice', url: files.url('/invoice') }] };
    const error = await rejectsWithCode(busy.run(sandbox.sessionId, 'sendMessage', input), 'RATE_LIMITED');
    assert.equal(typeof error.details?.['retryAfterMs'], 'number');
    assert.deepEqual(seenByAnna(), []);
  });

  test('ATTACHMENT_URL_FORBIDDEN for a private address unless allowed', async () => {
    const strict = new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock });
    await rejectsWithCode(strict.run(sandbox.sessionId, 'sendMessage', { chat: anna, attachments: { title: 'x', url: files.url('/photo.png') } }), 'ATTACHMENT_URL_FORBIDDEN');
  });

  test('ATTACHMENT_FETCH_FAILED for a missing file', async () => {
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, attachments: { title: 'x', url: files.url('/missing') } }), 'ATTACHMENT_FETCH_FAILED');
  });

  test('SESSION_NOT_FOUND, SESSION_NOT_CONNECTED and SESSION_LOGGED_OUT by the session’s state', async () => {
    await rejectsWithCode(runner.run('no-such-session', 'sendMessage', { chat: anna, text: 'Hi' }), 'SESSION_NOT_FOUND');
    await sandbox.engine.stopSession(sandbox.sessionId);
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Hi' }), 'SESSION_NOT_CONNECTED');
    await sandbox.engine.startSession(sandbox.sessionId);
    sandbox.network.logoutDevice(sandbox.bot.phone);
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Hi' }), 'SESSION_LOGGED_OUT');
  });

  test('ENGINE_ERROR from the engine reaches the caller unchanged', async () => {
    sandbox.engine.failNextSend(new ConnectorError('ENGINE_ERROR', 'socket closed'));
    await rejectsWithCode(sendHello(), 'ENGINE_ERROR');
  });

  test('TIMEOUT when the caller aborts, and no record is left for the key', async () => {
    sandbox.engine.sendDelayMs = 5_000;
    const controller = new AbortController();
    const pending = runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Hi' }, { idempotencyKey: 'k', signal: controller.signal });
    controller.abort(new ConnectorError('TIMEOUT', 'too slow'));
    await rejectsWithCode(pending, 'TIMEOUT');
    sandbox.engine.sendDelayMs = 0;
    const retried = await runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Hi' }, { idempotencyKey: 'k' });
    assert.equal(seenByAnna().length, 1);
    assert.equal(seenByAnna()[0]?.id, retried.id);
  });
});

describe('idempotency', () => {
  test('the same key and input return the same result and send once', async () => {
    const first = await sendHello('reminder-1');
    const again = await sendHello('reminder-1');
    assert.deepEqual(again, first);
    assert.equal(seenByAnna().length, 1);
  });

  test('two calls with one key at the same moment send once', async () => {
    const [a, b] = await Promise.all([sendHello('same'), sendHello('same')]);
    assert.deepEqual(a, b);
    assert.equal(seenByAnna().length, 1);
  });

  test('the same key with other input is IDEMPOTENCY_CONFLICT', async () => {
    await sendHello('reminder-1');
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', { chat: anna, text: 'Other' }, { idempotencyKey: 'reminder-1' }), 'IDEMPOTENCY_CONFLICT');
  });

  test('a retry after a failure halfway reuses the message ids, so the recipient sees each part once', async () => {
    const input = { chat: anna, text: 'x'.repeat(2000), attachments: { title: 'Scan', url: files.url('/photo.png') } };
    const engine = sandbox.engine;
    const send = engine.send.bind(engine);
    let calls = 0;
    engine.send = async (...args) => {
      if (++calls === 2) throw new ConnectorError('ENGINE_ERROR', 'socket closed');
      return send(...args);
    };
    await rejectsWithCode(runner.run(sandbox.sessionId, 'sendMessage', input, { idempotencyKey: 'multi' }), 'ENGINE_ERROR');
    assert.equal(seenByAnna().length, 1, 'the text went out before the failure');
    const result = await runner.run(sandbox.sessionId, 'sendMessage', input, { idempotencyKey: 'multi' });
    assert.deepEqual(seenByAnna().map((message) => message.id), result.parts.map((part) => part.id));
  });
});
