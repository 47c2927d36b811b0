import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConnectorError, type ErrorCode } from '../../domain/errors.js';
import { toContactPayload } from '../../domain/vcard.js';
import type { OutgoingMedia } from '../engine.js';
import { linkedSandbox } from './testing.js';

const ANNA = '+79001111111';
const ANNA_JID = '79001111111@s.whatsapp.net';
const BORIS = '+79002222222';
const BOT_JID = '79000000000@s.whatsapp.net';

const withAnna = () => linkedSandbox({ phones: { [ANNA]: { name: 'Anna' }, [BORIS]: { name: 'Boris' } } });

function code(expected: ErrorCode) {
  return (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, expected, String(error));
    return true;
  };
}

function file(kind: OutgoingMedia['kind'], fileName: string, mimeType: string, size: number): OutgoingMedia & { bytes: Uint8Array } {
  return { kind, fileName, mimeType, bytes: new Uint8Array(size).fill(7) };
}

describe('sending each kind of message', () => {
  it('delivers a text that Anna sees in her chat with the clinic', async () => {
    const { engine, sessionId, network, clock } = await withAnna();

    const sent = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Your appointment is at 10:00' }, { messageId: 'm1' });

    assert.deepEqual(sent, { chat: ANNA_JID, id: 'm1', fromMe: true, timestamp: clock.now(), status: 'sent' });
    const [seen, ...rest] = network.conversation(ANNA, BOT_JID);
    assert.equal(rest.length, 0);
    assert.deepEqual(seen, {
      id: 'm1',
      chat: BOT_JID,
      from: BOT_JID,
      fromName: 'Clinic',
      fromMe: false,
      timestamp: '2026-01-01T09:00:00.000Z',
      kind: 'text',
      status: 'sent',
      text: 'Your appointment is at 10:00',
      reactions: [],
      edited: false,
      deleted: false,
      forwarded: false,
      forwardedManyTimes: false,
      forwardingScore: 0,
    });
    assert.equal(network.conversation('+79000000000', ANNA)[0]?.fromMe, true, 'the clinic\'s phone sees its own message');
  });

  it('sends images, videos, audio and documents with file name, type, size and caption', async () => {
    const { engine, sessionId, network } = await withAnna();
    const files = [
      file('image', 'xray.jpg', 'image/jpeg', 1200),
      file('video', 'exercise.mp4', 'video/mp4', 3400),
      file('audio', 'note.ogg', 'audio/ogg', 560),
      file('document', 'invoice.pdf', 'application/pdf', 780),
    ];

    for (const [index, media] of files.entries()) {
      await engine.send(sessionId, { type: 'media', chat: ANNA_JID, media, caption: index === 0 ? 'Your X-ray' : undefined }, { messageId: `f${index}` });
    }

    const seen = network.conversation(ANNA, BOT_JID);
    assert.deepEqual(
      seen.map((view) => [view.kind, view.attachments?.[0]?.fileName, view.attachments?.[0]?.mimeType, view.attachments?.[0]?.size, view.caption]),
      [
        ['image', 'xray.jpg', 'image/jpeg', 1200, 'Your X-ray'],
        ['video', 'exercise.mp4', 'video/mp4', 3400, undefined],
        ['audio', 'note.ogg', 'audio/ogg', 560, undefined],
        ['document', 'invoice.pdf', 'application/pdf', 780, undefined],
      ],
    );
    const bytes = files[0]?.bytes ?? new Uint8Array();
    assert.equal(seen[0]?.attachments?.[0]?.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(seen[0]?.text, undefined);
  });

  it('sends a location and a contact card', async () => {
    const { engine, sessionId, network } = await withAnna();
    const location = { latitude: 55.7558, longitude: 37.6173, name: 'Clinic', address: 'Tverskaya 1' };
    const card = toContactPayload({ name: 'Dr. Ivanova', phones: ['+79003333333'], organization: 'Clinic' });

    await engine.send(sessionId, { type: 'location', chat: ANNA_JID, location }, { messageId: 'loc' });
    await engine.send(sessionId, { type: 'contacts', chat: ANNA_JID, contacts: [card] }, { messageId: 'card' });

    const [place, contact] = network.conversation(ANNA, BOT_JID);
    assert.deepEqual(place?.location, location);
    assert.equal(place?.kind, 'location');
    assert.equal(contact?.kind, 'contact');
    assert.equal(contact?.contact?.displayName, 'Dr. Ivanova');
    assert.match(contact?.contact?.vcard ?? '', /TEL;type=CELL;type=VOICE;waid=79003333333:\+79003333333/);
    assert.equal(contact?.contacts?.length, 1);
  });

  it('shows a group message to every participant', async () => {
    const { engine, sessionId, network } = await withAnna();
    const group = network.createGroup('Physio group', ['+79000000000', ANNA, BORIS]);
    assert.equal(group, '120363000000000001@g.us');

    await engine.send(sessionId, { type: 'text', chat: group, text: 'Class moved to 18:00' }, { messageId: 'g1' });

    for (const member of [ANNA, BORIS]) {
      const [seen] = network.conversation(member, group);
      assert.equal(seen?.text, 'Class moved to 18:00');
      assert.equal(seen?.chat, group);
      assert.equal(seen?.from, BOT_JID);
    }
    assert.equal(network.chatsOf(BORIS)[0]?.title, 'Physio group');
  });

  it('refuses a group the account is not in with FORBIDDEN', async () => {
    const { engine, sessionId, network } = await withAnna();
    const group = network.createGroup('Without the clinic', [ANNA, BORIS]);
    await assert.rejects(engine.send(sessionId, { type: 'text', chat: group, text: 'Hi' }, { messageId: 'x' }), code('FORBIDDEN'));
    await assert.rejects(engine.send(sessionId, { type: 'text', chat: '120363999999999999@g.us', text: 'Hi' }, { messageId: 'y' }), code('FORBIDDEN'));
    assert.throws(() => network.conversation('+79000000000', group), code('FORBIDDEN'));
  });
});

describe('numbers without WhatsApp', () => {
  it('checks numbers and refuses to send to one without an account', async () => {
    const { engine, sessionId, network } = await withAnna();
    network.addPhone('+79005555555', { onWhatsApp: false });

    const found = await engine.checkNumbers(sessionId, [ANNA_JID, '79005555555@s.whatsapp.net', '79009999999@s.whatsapp.net']);
    assert.deepEqual([...found], [
      [ANNA_JID, true],
      ['79005555555@s.whatsapp.net', false],
      ['79009999999@s.whatsapp.net', false],
    ]);
    await assert.rejects(
      engine.send(sessionId, { type: 'text', chat: '79005555555@s.whatsapp.net', text: 'Hi' }, { messageId: 'm1' }),
      code('NOT_ON_WHATSAPP'),
    );
    await assert.rejects(engine.send(sessionId, { type: 'text', chat: '79009999999@s.whatsapp.net', text: 'Hi' }, { messageId: 'm2' }), code('NOT_ON_WHATSAPP'));
    assert.deepEqual(network.allChats(), []);
  });
});

describe('sending once', () => {
  it('keeps one message when the same message id is sent twice', async () => {
    const { engine, sessionId, network, clock } = await withAnna();
    const first = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Reminder' }, { messageId: 'same' });
    clock.advance(5_000);
    const again = await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'Reminder' }, { messageId: 'same' });

    assert.deepEqual(again, first);
    assert.equal(network.conversation(ANNA, BOT_JID).length, 1);
  });

  it('records nothing when the signal is already aborted', async () => {
    const { engine, sessionId, network } = await withAnna();
    const reason = new ConnectorError('RATE_LIMITED', 'slow down');

    await assert.rejects(engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'x' }, { messageId: 'a', signal: AbortSignal.abort(reason) }), (error) => error === reason);
    await assert.rejects(engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'x' }, { messageId: 'b', signal: AbortSignal.abort() }), code('TIMEOUT'));
    assert.equal(network.conversation(ANNA, BOT_JID).length, 0);
  });

  it('keeps a slow send pending until the clock moves, and an abort on the way records nothing', async () => {
    const { engine, sessionId, network, clock } = await withAnna();
    engine.sendDelayMs = 2_000;

    const controller = new AbortController();
    const hanging = engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'late' }, { messageId: 'late', signal: controller.signal });
    clock.advance(1_999);
    controller.abort();
    await assert.rejects(hanging, code('TIMEOUT'));
    clock.advance(10_000);
    assert.equal(network.conversation(ANNA, BOT_JID).length, 0);

    const slow = engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'on time' }, { messageId: 'slow' });
    clock.advance(2_000);
    assert.equal((await slow).id, 'slow');
    assert.equal(network.conversation(ANNA, BOT_JID)[0]?.text, 'on time');
  });

  it('fails the next send on demand, then sends again', async () => {
    const { engine, sessionId, network } = await withAnna();
    engine.failNextSend(new ConnectorError('ENGINE_ERROR', 'socket closed'));

    await assert.rejects(engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'x' }, { messageId: 'm1' }), code('ENGINE_ERROR'));
    assert.equal(network.conversation(ANNA, BOT_JID).length, 0);
    await engine.send(sessionId, { type: 'text', chat: ANNA_JID, text: 'x' }, { messageId: 'm1' });
    assert.equal(network.conversation(ANNA, BOT_JID).length, 1);
  });
});

describe('WhatsApp\'s size limits', () => {
  it('takes 4096 characters of text and 1024 of caption, and refuses more', async () => {
    const { engine, sessionId } = await withAnna();
    const send = (text: string, messageId: string) => engine.send(sessionId, { type: 'text', chat: ANNA_JID, text }, { messageId });
    const image = file('image', 'a.jpg', 'image/jpeg', 10);

    await send('x'.repeat(4096), 't1');
    await assert.rejects(send('x'.repeat(4097), 't2'), code('VALIDATION_ERROR'));
    await assert.rejects(send('', 't3'), code('VALIDATION_ERROR'));
    await engine.send(sessionId, { type: 'media', chat: ANNA_JID, media: image, caption: 'c'.repeat(1024) }, { messageId: 'c1' });
    await assert.rejects(
      engine.send(sessionId, { type: 'media', chat: ANNA_JID, media: image, caption: 'c'.repeat(1025) }, { messageId: 'c2' }),
      code('VALIDATION_ERROR'),
    );
  });

  it('refuses an image over 5 MB with ATTACHMENT_TOO_LARGE', async () => {
    const { engine, sessionId } = await withAnna();
    const big = file('image', 'big.png', 'image/png', 5 * 1024 * 1024 + 1);
    await assert.rejects(engine.send(sessionId, { type: 'media', chat: ANNA_JID, media: big }, { messageId: 'big' }), code('ATTACHMENT_TOO_LARGE'));
  });
});
