import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorCode } from '../../domain/errors.js';
import type { MessageRecord } from '../../domain/message.js';
import { linkedSandbox } from './testing.js';

const ANNA = '+79001111111';
const ANNA_JID = '79001111111@s.whatsapp.net';
const BOT_JID = '79000000000@s.whatsapp.net';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function code(expected: ErrorCode) {
  return (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, expected, String(error));
    return true;
  };
}

/** A linked clinic that sent Anna one text; `record` is how the clinic's session knows it. */
async function afterOneText() {
  const sandbox = await linkedSandbox({ phones: { [ANNA]: { name: 'Anna' } } });
  const { engine, sessionId } = sandbox;
  await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'See you at 10:00' }, { messageId: 'm1' });
  const record = await engine.findMessage(sessionId, { id: 'm1', chat: ANNA_JID });
  assert.ok(record);
  let next = 0;
  const send = (message: Parameters<typeof engine.send>[1]) => engine.send(sessionId, message, { messageId: `p${++next}` });
  const seen = () => sandbox.network.conversation(ANNA, BOT_JID);
  return { ...sandbox, record, send, seen };
}

describe('editing a message', () => {
  it('edits within 15 minutes — exactly 15:00 is allowed — and Anna sees the new text', async () => {
    const { clock, record, send, seen } = await afterOneText();
    clock.advance(15 * MINUTE);

    const edit = await send({ type: 'edit', target: record, text: 'See you at 11:00' });

    assert.equal(edit.chat, ANNA_JID);
    assert.notEqual(edit.id, record.id, 'the edit is a protocol message of its own');
    const [view] = seen();
    assert.equal(view?.text, 'See you at 11:00');
    assert.equal(view?.edited, true);
    assert.equal(view?.editedAt, new Date(clock.now()).toISOString());
  });

  it('refuses an edit at 15:00.001 with EDIT_WINDOW_EXPIRED', async () => {
    const { clock, record, send, seen } = await afterOneText();
    clock.advance(15 * MINUTE + 1);

    await assert.rejects(send({ type: 'edit', target: record, text: 'too late' }), code('EDIT_WINDOW_EXPIRED'));
    assert.equal(seen()[0]?.edited, false);
  });

  it('edits the caption of an image', async () => {
    const { engine, sessionId, send, seen } = await afterOneText();
    const media = { kind: 'image' as const, fileName: 'map.png', mimeType: 'image/png', bytes: new Uint8Array([1, 2, 3]) };
    await engine.send(sessionId, { type: 'media', chat: ANNA_JID, media, caption: 'Entrance' }, { messageId: 'img' });
    const image = await engine.findMessage(sessionId, { id: 'img' });
    assert.ok(image);

    await send({ type: 'edit', target: image, text: 'Entrance from the yard' });

    assert.equal(seen()[1]?.caption, 'Entrance from the yard');
  });

  it('does not edit twice when the same edit is retried after the window', async () => {
    const { clock, engine, sessionId, record, seen } = await afterOneText();
    const first = await engine.send(sessionId, { type: 'edit', target: record, text: 'v2' }, { messageId: 'edit-1' });
    clock.advance(HOUR);
    const retry = await engine.send(sessionId, { type: 'edit', target: record, text: 'v2' }, { messageId: 'edit-1' });
    assert.deepEqual(retry, first);
    assert.equal(seen()[0]?.text, 'v2');
  });
});

describe('deleting a message', () => {
  it('deletes for everyone within 60 hours; Anna sees "This message was deleted"', async () => {
    const { clock, record, send, seen, network } = await afterOneText();
    clock.advance(60 * HOUR);

    await send({ type: 'delete', target: record, forEveryone: true });

    const [view] = seen();
    assert.equal(view?.deleted, true);
    assert.equal(view?.text, undefined);
    assert.equal(view?.deletedAt, new Date(clock.now()).toISOString());
    assert.equal(network.chatsOf(ANNA)[0]?.preview, 'This message was deleted');
  });

  it('refuses delete for everyone after 60 hours with DELETE_WINDOW_EXPIRED, but deletes for me', async () => {
    const { clock, record, send, seen, engine, sessionId, network } = await afterOneText();
    clock.advance(60 * HOUR + 1);

    await assert.rejects(send({ type: 'delete', target: record, forEveryone: true }), code('DELETE_WINDOW_EXPIRED'));
    await send({ type: 'delete', target: record, forEveryone: false });

    assert.equal(seen()[0]?.deleted, false, 'Anna still has it');
    assert.equal(network.conversation('+79000000000', ANNA).length, 0, 'gone for the clinic');
    assert.equal(await engine.findMessage(sessionId, { id: 'm1' }), undefined);
  });
});

describe('someone else\'s message', () => {
  async function withAnnasMessage() {
    const sandbox = await afterOneText();
    const sent = sandbox.network.phone(ANNA)?.sendText(BOT_JID, 'Can I come at 11?');
    assert.ok(sent);
    const record = await sandbox.engine.findMessage(sandbox.sessionId, { id: sent.id });
    assert.ok(record);
    return { ...sandbox, annas: record };
  }

  it('is found by the linked session as not from me, in the chat with Anna', async () => {
    const { annas } = await withAnnasMessage();
    assert.equal(annas.fromMe, false);
    assert.equal(annas.chat, ANNA_JID);
    assert.equal(annas.text, 'Can I come at 11?');
  });

  it('cannot be edited or deleted for everyone: NOT_YOUR_MESSAGE', async () => {
    const { annas, send } = await withAnnasMessage();
    await assert.rejects(send({ type: 'edit', target: annas, text: 'x' }), code('NOT_YOUR_MESSAGE'));
    await assert.rejects(send({ type: 'delete', target: annas, forEveryone: true }), code('NOT_YOUR_MESSAGE'));
  });

  it('can be deleted for me', async () => {
    const { annas, send, network } = await withAnnasMessage();
    await send({ type: 'delete', target: annas, forEveryone: false });
    assert.deepEqual(network.conversation('+79000000000', ANNA).map((view) => view.id), ['m1']);
    assert.equal(network.conversation(ANNA, BOT_JID).length, 2);
  });

  it('takes a reaction, which a new one replaces and "" removes', async () => {
    const { annas, send, network } = await withAnnasMessage();
    const reactions = () => network.conversation(ANNA, BOT_JID)[1]?.reactions;

    await send({ type: 'reaction', target: annas, emoji: '👍' });
    assert.deepEqual(reactions(), [{ from: BOT_JID, emoji: '👍' }]);

    network.phone(ANNA)?.react(annas.id, '❤️');
    await send({ type: 'reaction', target: annas, emoji: '🙏' });
    assert.deepEqual(reactions(), [
      { from: BOT_JID, emoji: '🙏' },
      { from: ANNA_JID, emoji: '❤️' },
    ]);

    await send({ type: 'reaction', target: annas, emoji: '' });
    assert.deepEqual(reactions(), [{ from: ANNA_JID, emoji: '❤️' }]);
  });

  it('lets the phone react to, edit and delete its own message, and not the clinic\'s', async () => {
    const { annas, network, record, seen } = await withAnnasMessage();
    const anna = network.phone(ANNA);
    assert.ok(anna);
    anna.edit(annas.id, 'Can I come at 12?');
    assert.equal(seen()[1]?.text, 'Can I come at 12?');
    assert.throws(() => anna.edit({ id: record.id, chat: BOT_JID }, 'hacked'), code('NOT_YOUR_MESSAGE'));
    anna.react(record.id, '👌');
    assert.deepEqual(seen()[0]?.reactions, [{ from: ANNA_JID, emoji: '👌' }]);
    anna.deleteMessage(annas.id);
    assert.equal(seen()[1]?.deleted, true);
  });
});

describe('forwarding a message', () => {
  const others = ['+79001000001', '+79001000002', '+79001000003', '+79001000004', '+79001000005', '+79001000006'];

  async function withSixChats() {
    const phones = Object.fromEntries(others.map((phone) => [phone, {}]));
    const sandbox = await linkedSandbox({ phones: { [ANNA]: { name: 'Anna' }, ...phones } });
    const { engine, sessionId } = sandbox;
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Opening hours: 9–18' }, { messageId: 'm1' });
    const record = await engine.findMessage(sessionId, { id: 'm1' });
    assert.ok(record);
    const forward = (to: string, messageId: string, target: MessageRecord = record) =>
      engine.send(sessionId, { type: 'forward', target, chat: to }, { messageId });
    return { ...sandbox, record, forward };
  }

  it('forwards to 5 chats at once and refuses a 6th', async () => {
    const { forward, network } = await withSixChats();
    for (const [index, phone] of others.slice(0, 5).entries()) await forward(phone, `fw${index}`);

    await assert.rejects(forward(others[5] ?? '', 'fw5'), code('VALIDATION_ERROR'));

    const [copy] = network.conversation(others[0] ?? '', BOT_JID);
    assert.equal(copy?.text, 'Opening hours: 9–18');
    assert.equal(copy?.forwarded, true);
    assert.equal(copy?.forwardingScore, 1);
    assert.equal(network.conversation(others[5] ?? '', BOT_JID).length, 0);
    assert.equal(network.conversation(ANNA, BOT_JID)[0]?.forwarded, false, 'the original is unchanged');
  });

  it('counts the score up with each forward and allows one chat when forwarded many times', async () => {
    const { forward, network, engine, sessionId, clock } = await withSixChats();
    let target = await engine.findMessage(sessionId, { id: 'm1' });
    for (let hop = 1; hop <= 5; hop += 1) {
      assert.ok(target);
      clock.advance(MINUTE);
      const sent = await forward(others[hop - 1] ?? '', `hop${hop}`, target);
      target = await engine.findMessage(sessionId, { id: sent.id });
    }
    assert.ok(target);
    assert.equal(target.forwardingScore, 5);
    assert.equal(network.conversation(others[4] ?? '', BOT_JID)[0]?.forwardedManyTimes, true);

    clock.advance(MINUTE);
    await forward(ANNA, 'many-1', target);
    await assert.rejects(forward(others[0] ?? '', 'many-2', target), code('VALIDATION_ERROR'));
  });
});
