import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingMessage } from '../../domain/incoming.js';
import { toContactPayload } from '../../domain/vcard.js';
import { linkedSandbox } from './testing.js';

const ANNA = '+79001111111';
const ANNA_JID = '79001111111@s.whatsapp.net';
const BORIS = '+79002222222';
const BOT = '+79000000000';
const BOT_JID = '79000000000@s.whatsapp.net';

async function withAnna() {
  const sandbox = await linkedSandbox({ phones: { [ANNA]: { name: 'Anna' }, [BORIS]: { name: 'Boris' } } });
  const received = () => sandbox.events.flatMap((event) => (event.type === 'message' ? [event.message] : []));
  return { ...sandbox, anna: sandbox.network.phone(ANNA)!, boris: sandbox.network.phone(BORIS)!, received };
}

describe('what the sandbox session receives', () => {
  it('reports a client’s text with who wrote it, once, and archives it for a reaction', async () => {
    const { anna, received, engine, sessionId, clock } = await withAnna();

    const sent = anna.sendText(BOT, 'Can I move my appointment?');

    assert.deepEqual(received(), [
      {
        id: sent.id,
        chat: ANNA_JID,
        group: false,
        sender: { jid: ANNA_JID, phone: ANNA, name: 'Anna' },
        timestamp: new Date(clock.now()).toISOString(),
        content: { kind: 'text', text: 'Can I move my appointment?' },
      } satisfies IncomingMessage,
    ]);
    assert.equal((await engine.findMessage(sessionId, { id: sent.id }))?.fromMe, false);
  });

  it('reports media with caption and file name, a location and a contact', async () => {
    const { anna, received } = await withAnna();

    anna.sendMedia(BOT, { kind: 'document', fileName: 'referral.pdf', mimeType: 'application/pdf', bytes: new Uint8Array(10).fill(1) }, { caption: 'My referral' });
    anna.sendLocation(BOT, { latitude: 55.75, longitude: 37.61, name: 'Home' });
    anna.sendContacts(BOT, [toContactPayload({ name: 'Boris', phones: [BORIS] })]);

    assert.deepEqual(
      received().map((message) => message.content),
      [
        { kind: 'media', mediaKind: 'document', mimeType: 'application/pdf', fileName: 'referral.pdf', size: 10, caption: 'My referral' },
        { kind: 'location', location: { latitude: 55.75, longitude: 37.61, name: 'Home' } },
        { kind: 'contact', contacts: [toContactPayload({ name: 'Boris', phones: [BORIS] })] },
      ],
    );
  });

  it('hands out the picture a client sent; a document only by description; a text has no file', async () => {
    const { anna, engine, sessionId } = await withAnna();
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const picture = anna.sendMedia(BOT, { kind: 'image', fileName: 'rash.png', mimeType: 'image/png', bytes: png });
    const file = await engine.openMedia(sessionId, { id: picture.id });
    assert.equal(file.mimeType, 'image/png');
    assert.equal(file.fileName, 'rash.png');
    const chunks: Buffer[] = [];
    for await (const chunk of file.stream) chunks.push(chunk as Buffer);
    assert.deepEqual(new Uint8Array(Buffer.concat(chunks)), png);

    const document = anna.sendMedia(BOT, { kind: 'document', fileName: 'referral.pdf', mimeType: 'application/pdf', bytes: new Uint8Array(10) });
    await assert.rejects(engine.openMedia(sessionId, { id: document.id }), { code: 'MEDIA_UNAVAILABLE' });
    const text = anna.sendText(BOT, 'no file');
    await assert.rejects(engine.openMedia(sessionId, { id: text.id }), { code: 'NO_MEDIA' });
    await assert.rejects(engine.openMedia(sessionId, { id: 'unknown' }), { code: 'MESSAGE_NOT_FOUND' });
  });

  it('a reply names the message it quotes, both ways; a quote of another chat is refused', async () => {
    const { anna, boris, received, engine, sessionId } = await withAnna();
    const reminder = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Reply 1 to confirm' }, { messageId: 'r1' });
    anna.sendText(BOT, '1', { quote: { id: reminder.id, fromMe: false } });
    const reply = received().at(-1)!;
    assert.deepEqual(reply.quoted, { chat: ANNA_JID, id: reminder.id, fromMe: true });

    const record = (await engine.findMessage(sessionId, { id: reply.id }))!;
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Confirmed, thank you', quoted: record }, { messageId: 'r2' });
    const seen = anna.conversation(BOT).at(-1)!;
    assert.deepEqual(seen.quoted, { id: reply.id, from: ANNA_JID });

    const elsewhere = boris.sendText(BOT, 'Hello');
    const other = (await engine.findMessage(sessionId, { id: elsewhere.id }))!;
    await assert.rejects(engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'x', quoted: other }, { messageId: 'r3' }), { code: 'VALIDATION_ERROR' });
  });

  it('reports a reaction, an edit and a deletion for everyone with the message they change; a deletion for the sender only stays hers', async () => {
    const { anna, received, engine, sessionId } = await withAnna();
    const ours = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'See you at 10:00' }, { messageId: 'm1' });
    const hers = anna.sendText(BOT, 'Thanks');
    const mine = anna.sendText(BOT, 'Just for me');

    const reaction = anna.react({ id: ours.id, chat: BOT_JID }, '👍');
    anna.edit({ id: hers.id, chat: BOT_JID }, 'Thank you!');
    anna.deleteMessage({ id: mine.id, chat: BOT_JID }, { forEveryone: false });
    anna.deleteMessage({ id: hers.id, chat: BOT_JID });

    const changes = received().slice(2);
    assert.equal(changes[0]?.id, reaction.id);
    assert.deepEqual(
      changes.map((message) => message.content),
      [
        { kind: 'reaction', target: { chat: ANNA_JID, id: 'm1', fromMe: true }, emoji: '👍' },
        { kind: 'edit', target: { chat: ANNA_JID, id: hers.id, fromMe: false }, text: 'Thank you!' },
        { kind: 'revoke', target: { chat: ANNA_JID, id: hers.id, fromMe: false } },
      ],
    );
  });

  it('reports a group message in the group chat, naming its sender; its own messages never come back', async () => {
    const { anna, boris, received, engine, sessionId, network } = await withAnna();
    const group = network.createGroup('Clinic news', [BOT, ANNA, BORIS]);
    await engine.send(sessionId, { type: 'text', chat: group, text: 'Open on Saturday' }, { messageId: 'g1' });

    boris.sendText(group, 'Great');

    assert.deepEqual(
      received().map((message) => [message.chat, message.group, message.sender.jid, message.content]),
      [[group, true, '79002222222@s.whatsapp.net', { kind: 'text', text: 'Great' }]],
    );
    assert.equal(anna.conversation(group).length, 2);
  });
});
