/**
 * What a client writes reaches the session as one `message` event each, on the real Baileys
 * engine against the WhatsApp Web protocol emulator: every kind the connector describes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { proto } from 'baileys';
import type { IncomingMessage } from '../../src/domain/incoming.js';
import { replyFromPhone } from '../wa-emulator/incoming.js';
import { expireMedia, uploadFromPhone } from '../wa-emulator/media.js';
import type { WaEmulator } from '../wa-emulator/index.js';
import { eventually } from '../support/eventually.js';
import { readServerSentEvents, type ServerSentEvent } from '../../src/service/sse-reader.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { sendReceipt } from '../wa-emulator/messages.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';
import { emulatedWhatsApp, type TestWhatsApp } from '../support/whatsapp.js';

const anna = '79001111111';
const annaJid = `${anna}@s.whatsapp.net`;
const business = '79000000060';
let whatsapp: TestWhatsApp & { emulator: WaEmulator };
let service: TestService;
let sessionId: string;
let token: string;
const received: IncomingMessage[] = [];

before(async () => {
  whatsapp = await emulatedWhatsApp();
  whatsapp.emulator.addAccount(anna, { name: 'Anna' });
  service = await startTestService({ allowPrivateUrls: true }, undefined, whatsapp);
  ({ sessionId, token } = await linkPhone(service, `+${business}`));
  service.engine.subscribe((event) => {
    if (event.type === 'message' && event.sessionId === sessionId) received.push(event.message);
  });
  // As most messages to a business are, these are replies: the business wrote first.
  const first = await call(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: `+${anna}`, text: 'Your appointment is tomorrow at 10:00' } });
  assert.equal(first.status, 200);
});
after(async () => {
  await service?.close();
  await whatsapp?.close();
});

/** Anna's phone sends `message`; the one event the session reports for it. */
async function fromAnna(message: proto.IMessage): Promise<IncomingMessage> {
  const id = await replyFromPhone(whatsapp.emulator, anna, business, message);
  await eventually(() => received.some((m) => m.id === id), `message ${id} to be reported`);
  return received.find((m) => m.id === id)!;
}

describe('messages a client sends reach the session', () => {
  test('a text names its chat and its sender by phone, and is kept for a reaction', async () => {
    const message = await fromAnna({ conversation: 'Can I come at 12 instead?' });
    assert.equal(message.chat, annaJid);
    assert.equal(message.group, false);
    assert.equal(message.sender.phone, `+${anna}`);
    assert.deepEqual(message.content, { kind: 'text', text: 'Can I come at 12 instead?' });
    assert.equal((await service.engine.findMessage(sessionId, { id: message.id }))?.fromMe, false);
  });

  test('a received message is answered by its id: a reply quoting it, a reaction and a forward', async () => {
    const question = await fromAnna({ conversation: 'Do I need a referral?' });
    const reply = await call<{ id: string; replyTo: unknown }>(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: `+${anna}`, text: 'Yes, bring it along', replyTo: question.id } });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.replyTo, { chat: annaJid, id: question.id, fromMe: false });
    const seen = await whatsapp.emulator.inbox.waitFor((message) => message.id === reply.body.id && message.recipient === anna && message.device === 0);
    assert.equal(seen.message.extendedTextMessage?.contextInfo?.stanzaId, question.id);
    const reaction = await call(service.url, 'POST', '/v1/actions/sendReaction', { token, body: { message: question.id, chat: `+${anna}`, emoji: '👌' } });
    assert.equal(reaction.status, 200, JSON.stringify(reaction.body));
    const forward = await call(service.url, 'POST', '/v1/actions/forwardMessage', { token, body: { message: { id: question.id, chat: `+${anna}` }, chat: `+${anna}` } });
    assert.equal(forward.status, 200, JSON.stringify(forward.body));
  });

  test('a reply quoting our reminder names the reminder as ours', async () => {
    const sent = await call<{ id: string }>(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: `+${anna}`, text: 'Reply 1 to confirm, 2 to cancel' } });
    assert.equal(sent.status, 200);
    const reply = await fromAnna({ extendedTextMessage: { text: '1', contextInfo: { stanzaId: sent.body.id, participant: `${business}@s.whatsapp.net` } } });
    assert.deepEqual(reply.content, { kind: 'text', text: '1' });
    assert.deepEqual(reply.quoted, { chat: annaJid, id: sent.body.id, fromMe: true });

    const reaction = await fromAnna({ reactionMessage: { key: { remoteJid: `${business}@s.whatsapp.net`, id: sent.body.id, fromMe: false }, text: '👍' } });
    assert.deepEqual(reaction.content, { kind: 'reaction', target: { chat: annaJid, id: sent.body.id, fromMe: true }, emoji: '👍' });
  });

  test('media with caption and file name, a location and a contact', async () => {
    const document = await fromAnna({ documentMessage: { mimetype: 'application/pdf', fileName: 'referral.pdf', caption: 'My referral', fileLength: 1234 } });
    assert.deepEqual(document.content, { kind: 'media', mediaKind: 'document', mimeType: 'application/pdf', caption: 'My referral', fileName: 'referral.pdf', size: 1234 });
    const image = await fromAnna({ imageMessage: { mimetype: 'image/jpeg', caption: 'The rash', fileLength: 99 } });
    assert.deepEqual(image.content, { kind: 'media', mediaKind: 'image', mimeType: 'image/jpeg', caption: 'The rash', size: 99 });
    const place = await fromAnna({ locationMessage: { degreesLatitude: 55.75, degreesLongitude: 37.61, name: 'Home' } });
    assert.deepEqual(place.content, { kind: 'location', location: { latitude: 55.75, longitude: 37.61, name: 'Home' } });
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Boris\nTEL;type=CELL;waid=79002222222:+79002222222\nEND:VCARD';
    const card = await fromAnna({ contactMessage: { displayName: 'Boris', vcard } });
    assert.deepEqual(card.content, { kind: 'contact', contacts: [{ displayName: 'Boris', phones: ['+79002222222'], vcard }] });
  });

  test('an edit and a revoke name the client’s own message', async () => {
    const original = await fromAnna({ conversation: 'See you at 10' });
    const key = { remoteJid: `${business}@s.whatsapp.net`, id: original.id, fromMe: true };
    const edit = await fromAnna({
      protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, editedMessage: { conversation: 'See you at 11' } },
    });
    assert.deepEqual(edit.content, { kind: 'edit', target: { chat: annaJid, id: original.id, fromMe: false }, text: 'See you at 11' });
    const revoke = await fromAnna({ protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.REVOKE } });
    assert.deepEqual(revoke.content, { kind: 'revoke', target: { chat: annaJid, id: original.id, fromMe: false } });
  });

  test('a message delivered twice under one id (a phone’s retry) is reported once', async () => {
    const id = await replyFromPhone(whatsapp.emulator, anna, business, { conversation: 'Twice?' });
    await replyFromPhone(whatsapp.emulator, anna, business, { conversation: 'Twice?' }, { id });
    const marker = await fromAnna({ conversation: 'after' });
    assert.ok(received.some((m) => m.id === marker.id));
    assert.equal(received.filter((m) => m.id === id).length, 1);
    const ids = received.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('a received file downloads decrypted with its type and name; a text has none; an expired one is gone', async () => {
    const file = Buffer.from(Array.from({ length: 70_001 }, (_, i) => (i * 31) % 256));
    const uploaded = await uploadFromPhone(whatsapp.emulator, 'document', file);
    const document = await fromAnna({ documentMessage: { ...uploaded, mimetype: 'application/pdf', fileName: 'анализы.pdf' } });
    const response = await fetch(`${service.url}/v1/messages/${document.id}/media`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    assert.match(response.headers.get('content-disposition') ?? '', /filename\*=UTF-8''%D0%B0%D0%BD%D0%B0%D0%BB%D0%B8%D0%B7%D1%8B\.pdf/);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(file), 'the downloaded file is the one the phone sent');

    const text = await fromAnna({ conversation: 'no file here' });
    const none = await call(service.url, 'GET', `/v1/messages/${text.id}/media`, { token });
    assert.equal(none.status, 422);
    assert.equal(none.body.code, 'NO_MEDIA');
    const unknown = await call(service.url, 'GET', '/v1/messages/3A0000000000000000/media', { token });
    assert.equal(unknown.body.code, 'MESSAGE_NOT_FOUND');

    expireMedia(whatsapp.emulator);
    const gone = await call(service.url, 'GET', `/v1/messages/${document.id}/media`, { token });
    assert.equal(gone.status, 410);
    assert.equal(gone.body.code, 'MEDIA_UNAVAILABLE');
  });
});

describe('on a webhook and the event stream', () => {
  test('each kind a phone sends arrives once by id at a signed webhook and on the stream; receipts arrive as message.status', async () => {
    const receiver = await new WebhookReceiver().start();
    const controller = new AbortController();
    try {
      const hook = await service.admin<{ id: string; secret: string }>('POST', '/v1/webhooks', { url: receiver.url, sessionId });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      const response = await fetch(`${service.url}/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      const streamed: ServerSentEvent[] = [];
      void (async () => {
        try {
          for await (const event of readServerSentEvents(response.body!)) streamed.push(event);
        } catch {
          // closed below
        }
      })();

      const uploaded = await uploadFromPhone(whatsapp.emulator, 'image', Buffer.from('a picture'));
      const original = await fromAnna({ conversation: 'Is parking free?' });
      const key = { remoteJid: `${business}@s.whatsapp.net`, id: original.id, fromMe: true };
      const kinds = [
        original,
        await fromAnna({ imageMessage: { ...uploaded, mimetype: 'image/jpeg', caption: 'This entrance?' } }),
        await fromAnna({ documentMessage: { mimetype: 'application/pdf', fileName: 'referral.pdf', fileLength: 10 } }),
        await fromAnna({ locationMessage: { degreesLatitude: 55.75, degreesLongitude: 37.61 } }),
        await fromAnna({ contactMessage: { displayName: 'Boris', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Boris\nTEL;waid=79002222222:+79002222222\nEND:VCARD' } }),
        await fromAnna({ reactionMessage: { key: { remoteJid: `${business}@s.whatsapp.net`, id: original.id, fromMe: false }, text: '👍' } }),
        await fromAnna({ protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, editedMessage: { conversation: 'Is parking free on Sundays?' } } }),
        await fromAnna({ protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.REVOKE } }),
      ];
      const sent = await call<{ id: string }>(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: `+${anna}`, text: 'Yes, it is free' } });
      const copy = await whatsapp.emulator.inbox.waitFor((message) => message.id === sent.body.id && message.recipient === anna && message.device === 0);
      await sendReceipt(whatsapp.emulator, copy, 'delivery');
      await sendReceipt(whatsapp.emulator, copy, 'read');

      const isRead = (event: { type: string; data: Record<string, unknown> }) => event.type === 'message.status' && event.data.status === 'read';
      await eventually(() => receiver.delivered(hook.body.secret).some(isRead), 'the read receipt at the webhook');
      await eventually(() => streamed.some((event) => isRead({ type: event.event, data: event.data.data as Record<string, unknown> })), 'the read receipt on the stream');
      const atWebhook = receiver.delivered(hook.body.secret);
      const onStream = streamed.map((event) => event.data as { id: string; type: string; data: Record<string, unknown> });
      for (const delivered of [atWebhook, onStream]) {
        const received = delivered.filter((event) => event.type === 'message.received').map((event) => event.data as unknown as IncomingMessage);
        assert.deepEqual(received.map((message) => message.id), kinds.map((message) => message.id), 'each message once, in order');
        assert.deepEqual(received.map((message) => message.content.kind), ['text', 'media', 'media', 'location', 'contact', 'reaction', 'edit', 'revoke']);
        const statuses = delivered.filter((event) => event.type === 'message.status' && (event.data.message as { id: string }).id === sent.body.id).map((event) => event.data.status);
        assert.deepEqual(statuses, ['sent', 'delivered', 'read']);
        assert.equal(new Set(delivered.map((event) => event.id)).size, delivered.length, 'no event twice');
      }
    } finally {
      controller.abort();
      await receiver.stop();
    }
  });
});

