import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WAMessage } from 'baileys';
import type { MessageRecord } from '../../domain/message.js';
import { decodeRaw, describeContent, encodeRaw, toBaileysContent, withEditedText } from './content.js';

const anna = '79001111111@s.whatsapp.net';
const group = '120363000000000001@g.us';
const record = (over: Partial<MessageRecord> = {}): MessageRecord => ({
  chat: anna, id: '3EB0A', fromMe: true, kind: 'text', timestamp: 0, status: 'sent', forwardingScore: 0, deletedForEveryone: false, ...over,
});

test('each outgoing kind becomes the Baileys content WhatsApp expects', () => {
  assert.deepEqual(toBaileysContent({ type: 'text', chat: anna, text: 'Hi' }), { jid: anna, content: { text: 'Hi' } });
  assert.deepEqual(toBaileysContent({ type: 'location', chat: anna, location: { latitude: 55.75, longitude: 37.61, name: 'Clinic' } }).content, {
    location: { degreesLatitude: 55.75, degreesLongitude: 37.61, name: 'Clinic' },
  });
  const card = { displayName: 'Dr. Ivanova', vcard: 'BEGIN:VCARD…', phones: ['+79007777777'] };
  assert.deepEqual(toBaileysContent({ type: 'contacts', chat: anna, contacts: [card] }).content, { contacts: { displayName: 'Dr. Ivanova', contacts: [{ displayName: 'Dr. Ivanova', vcard: 'BEGIN:VCARD…' }] } });
  const bytes = new Uint8Array([1, 2, 3]);
  assert.deepEqual(toBaileysContent({ type: 'media', chat: anna, media: { kind: 'document', bytes, mimeType: 'application/pdf', fileName: 'Invoice.pdf' }, caption: 'Your invoice' }).content, {
    document: Buffer.from(bytes), mimetype: 'application/pdf', fileName: 'Invoice.pdf', caption: 'Your invoice',
  });
  assert.ok('audio' in toBaileysContent({ type: 'media', chat: anna, media: { kind: 'audio', bytes, mimeType: 'audio/ogg', fileName: 'a.ogg' }, caption: 'x' }).content);
  assert.deepEqual(toBaileysContent({ type: 'edit', target: record(), text: 'New' }), { jid: anna, content: { edit: { remoteJid: anna, id: '3EB0A', fromMe: true }, text: 'New' } });
  assert.deepEqual(toBaileysContent({ type: 'delete', target: record(), forEveryone: true }).content, { delete: { remoteJid: anna, id: '3EB0A', fromMe: true } });
});

test('a reaction to someone else’s group message names its sender', () => {
  const original = { key: { remoteJid: group, id: 'X1', fromMe: false, participant: '79002222222@s.whatsapp.net' }, message: { conversation: 'Hello' } } as WAMessage;
  const { jid, content } = toBaileysContent({ type: 'reaction', target: record({ chat: group, id: 'X1', fromMe: false }), emoji: '👍' }, original);
  assert.equal(jid, group);
  assert.deepEqual(content, { react: { text: '👍', key: { remoteJid: group, id: 'X1', fromMe: false, participant: '79002222222@s.whatsapp.net' } } });
});

test('a forward carries the original; an edit changes what a later forward carries', () => {
  const original = { key: { remoteJid: anna, id: '3EB0A', fromMe: true }, message: { extendedTextMessage: { text: 'At 10:00' } } } as WAMessage;
  assert.throws(() => toBaileysContent({ type: 'forward', chat: anna, target: record() }), /original/);
  const edited = withEditedText(original, 'At 11:00');
  assert.deepEqual(toBaileysContent({ type: 'forward', chat: anna, target: record() }, edited).content, { forward: edited, force: true });
  assert.equal(describeContent(edited.message)?.text, 'At 11:00');
  assert.equal(describeContent(original.message)?.text, 'At 10:00', 'the original is not changed');
});

test('what the rules need is read from received content, and a kept message survives the store', () => {
  assert.deepEqual(describeContent({ imageMessage: { caption: 'Scan', contextInfo: { forwardingScore: 3 } } }), { kind: 'image', text: 'Scan', forwardingScore: 3 });
  assert.deepEqual(describeContent({ conversation: 'Hi' }), { kind: 'text', text: 'Hi', forwardingScore: 0 });
  assert.equal(describeContent({ protocolMessage: {} }), undefined);
  const kept = { key: { remoteJid: anna, id: '3EB0A', fromMe: true }, message: { conversation: 'Hi' }, messageTimestamp: 1_700_000_000 } as WAMessage;
  const back = decodeRaw(encodeRaw(kept));
  assert.equal(back.key.id, '3EB0A');
  assert.equal(back.message?.conversation, 'Hi');
});
