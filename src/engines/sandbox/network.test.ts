import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../domain/clock.js';
import type { ErrorCode } from '../../domain/errors.js';
import type { NetworkChange } from './content.js';
import { SandboxNetwork } from './network.js';
import { linkedSandbox } from './testing.js';

const ANNA = '+79001111111';
const ANNA_JID = '79001111111@s.whatsapp.net';
const BORIS = '+79002222222';
const BORIS_JID = '79002222222@s.whatsapp.net';
const BOT_JID = '79000000000@s.whatsapp.net';

function code(expected: ErrorCode) {
  return (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, expected, String(error));
    return true;
  };
}

describe('receipts', () => {
  it('moves a message from sent to delivered to read and tells the sending session', async () => {
    const { engine, sessionId, network, events } = await linkedSandbox({ phones: { [ANNA]: {} } });
    const sent = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Hi' }, { messageId: 'm1' });
    events.length = 0;

    network.deliver(sent);
    network.deliver('m1');
    network.read({ chat: ANNA_JID, id: 'm1' });

    assert.deepEqual(events, [
      { type: 'receipt', sessionId, message: { chat: ANNA_JID, id: 'm1', fromMe: true }, status: 'delivered' },
      { type: 'receipt', sessionId, message: { chat: ANNA_JID, id: 'm1', fromMe: true }, status: 'read' },
    ]);
    assert.equal((await engine.findMessage(sessionId, { id: 'm1' }))?.status, 'read');
    assert.equal(network.conversation(ANNA, BOT_JID)[0]?.status, 'read');
    assert.throws(() => network.read('nope'), code('MESSAGE_NOT_FOUND'));
  });

  it('shows a group message as read only when every member has read it', async () => {
    const { engine, sessionId, network, events } = await linkedSandbox({ phones: { [ANNA]: {}, [BORIS]: {} } });
    const group = network.createGroup('Team', ['+79000000000', ANNA, BORIS]);
    await engine.send(sessionId, { type: 'text', chat: group, text: 'Standup' }, { messageId: 'g1' });
    events.length = 0;

    network.deliverAll();
    network.readAll(ANNA);
    assert.equal(network.conversation(ANNA, group)[0]?.status, 'delivered');
    network.phone(BORIS)?.read(group);

    assert.deepEqual(
      events.map((event) => (event.type === 'receipt' ? event.status : event.type)),
      ['delivered', 'read'],
    );
  });

  it('counts unread messages in a chat list until the phone reads them', async () => {
    const { engine, sessionId, network } = await linkedSandbox({ phones: { [ANNA]: { name: 'Anna' } } });
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'One' }, { messageId: 'm1' });
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Two' }, { messageId: 'm2' });

    const [chat] = network.chatsOf(ANNA);
    assert.equal(chat?.chat, BOT_JID);
    assert.equal(chat?.title, 'Clinic');
    assert.equal(chat?.preview, 'Two');
    assert.equal(chat?.unread, 2);

    network.phone(ANNA)?.read();
    assert.equal(network.chatsOf(ANNA)[0]?.unread, 0);
  });
});

describe('watching the whole network', () => {
  it('lists every conversation with a stable key and its messages', async () => {
    const { engine, sessionId, network } = await linkedSandbox({ phones: { [ANNA]: { name: 'Anna' }, [BORIS]: {} } });
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Hi Anna' }, { messageId: 'm1' });
    network.phone(BORIS)?.sendText(ANNA, 'Hi from Boris');
    const group = network.createGroup('Team', [ANNA, BORIS]);

    const chats = network.allChats();

    assert.deepEqual(
      chats.map((chat) => [chat.key, chat.kind, chat.title, chat.messageCount]),
      [
        [`${ANNA_JID},${BORIS_JID}`, 'direct', 'Anna ↔ +79002222222', 1],
        [`${BOT_JID},${ANNA_JID}`, 'direct', 'Anna', 1],
        [group, 'group', 'Team', 0],
      ],
    );
    assert.deepEqual(chats[0]?.participants, [
      { jid: ANNA_JID, phone: ANNA, name: 'Anna' },
      { jid: BORIS_JID, phone: BORIS },
    ]);
    assert.deepEqual(chats[1]?.participants[0], { jid: BOT_JID, phone: chats[1]?.participants[0]?.phone, name: 'Clinic', linked: true }, 'the side a session is linked to');
    const [message] = network.chatMessages(chats[0]?.key ?? '');
    assert.equal(message?.text, 'Hi from Boris');
    assert.equal(message?.chat, ANNA_JID, 'the neutral view names the chat as the sender did');
    assert.deepEqual(message?.deletedFor, []);
  });

  it('collects what a phone received from everyone, oldest first', async () => {
    const { engine, sessionId, network } = await linkedSandbox({ phones: { [ANNA]: {}, [BORIS]: {} } });
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'first' }, { messageId: 'm1' });
    network.phone(BORIS)?.sendText(ANNA, 'second');
    network.phone(ANNA)?.sendText(BORIS, 'own message');

    assert.deepEqual(network.messagesSeenBy(ANNA).map((view) => [view.from, view.text]), [
      [BOT_JID, 'first'],
      [BORIS_JID, 'second'],
    ]);
  });

  it('tells listeners about every message, edit, reaction, deletion and receipt', async () => {
    const { engine, sessionId, network } = await linkedSandbox({ phones: { [ANNA]: {} } });
    const changes: NetworkChange[] = [];
    const stop = network.onChange((change) => changes.push(change));

    const sent = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Hi' }, { messageId: 'm1' });
    const record = await engine.findMessage(sessionId, sent);
    assert.ok(record);
    await engine.send(sessionId, { type: 'edit', target: record, text: 'Hello' }, { messageId: 'e1' });
    network.phone(ANNA)?.react(sent.id, '👍');
    network.read(sent);
    await engine.send(sessionId, { type: 'delete', target: record, forEveryone: true }, { messageId: 'd1' });
    stop();
    network.phone(ANNA)?.sendText(BOT_JID, 'unheard');

    assert.deepEqual(changes.map((change) => change.type), ['message', 'edit', 'reaction', 'receipt', 'delete']);
    const key = [ANNA_JID, BOT_JID].sort().join(',');
    assert.ok(changes.every((change) => change.key === key));
  });
});

describe('phones and groups', () => {
  it('has phones without WhatsApp that can neither send nor be in a group', () => {
    const network = new SandboxNetwork({ clock: new ManualClock(0) });
    network.addPhone(ANNA);
    const offline = network.addPhone(BORIS, { onWhatsApp: false });

    assert.equal(network.isOnWhatsApp(BORIS_JID), false);
    assert.equal(network.isOnWhatsApp(ANNA), true);
    assert.throws(() => offline.sendText(ANNA, 'hi'), code('NOT_ON_WHATSAPP'));
    assert.throws(() => network.createGroup('Team', [ANNA, BORIS]), code('NOT_ON_WHATSAPP'));
    assert.throws(() => network.addPhone('+7 900 111-11-11'), code('VALIDATION_ERROR'));
    assert.throws(() => network.addPhone('not a phone'), code('INVALID_CHAT'));
  });

  it('numbers groups like WhatsApp and remembers their members', () => {
    const network = new SandboxNetwork({ clock: new ManualClock(0) });
    network.addPhone(ANNA);
    network.addPhone(BORIS);
    const first = network.createGroup('One', [ANNA]);
    const second = network.createGroup('Two', [ANNA, BORIS]);

    assert.equal(first, '120363000000000001@g.us');
    assert.equal(second, '120363000000000002@g.us');
    assert.deepEqual(network.group(second), { jid: second, subject: 'Two', participants: [ANNA_JID, BORIS_JID] });
    assert.deepEqual(network.chatsOf(BORIS).map((chat) => chat.chat), [second]);
  });
});
