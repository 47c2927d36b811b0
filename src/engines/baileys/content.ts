import { normalizeMessageContent, proto, type AnyMessageContent, type WAMediaUpload, type WAMessage, type WAMessageKey } from 'baileys';
import type { MessageKind, MessageRecord } from '../../domain/message.js';
import type { OutgoingMedia, OutgoingMessage } from '../engine.js';

/** A message as the engine keeps it: the record the rules read and the protobuf Baileys needs to forward it. */
export interface ArchivedMessage {
  record: MessageRecord;
  /** The full message (key, content, sender), as sent or received. */
  raw: WAMessage;
}

/** What one outgoing message becomes for Baileys' `sendMessage`. */
export interface BaileysSend {
  jid: string;
  content: AnyMessageContent;
}

/**
 * Maps an outgoing message to Baileys' message content. A forward needs the original message
 * (`original`); every other kind is built from the message alone.
 *
 * @example toBaileysContent({ type: 'text', chat: '79001234567@s.whatsapp.net', text: 'Hi' }) // { jid, content: { text: 'Hi' } }
 */
export function toBaileysContent(message: OutgoingMessage, original?: WAMessage): BaileysSend {
  switch (message.type) {
    case 'text':
      return { jid: message.chat, content: { text: message.text } };
    case 'media':
      return { jid: message.chat, content: mediaContent(message) };
    case 'location': {
      const { latitude, longitude, name, address } = message.location;
      return { jid: message.chat, content: { location: { degreesLatitude: latitude, degreesLongitude: longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) } } };
    }
    case 'contacts': {
      const contacts = message.contacts.map(({ displayName, vcard }) => ({ displayName, vcard }));
      const displayName = contacts.length === 1 ? contacts[0]!.displayName : `${contacts.length} contacts`;
      return { jid: message.chat, content: { contacts: { displayName, contacts } } };
    }
    case 'reaction':
      return { jid: message.target.chat, content: { react: { text: message.emoji, key: keyOf(message.target, original) } } };
    case 'forward':
      if (!original) throw new Error('a forward needs the original message');
      // `force` counts the forward even for our own message, as the domain's forwarding score does.
      return { jid: message.chat, content: { forward: original, force: true } };
    case 'edit':
      return { jid: message.target.chat, content: { edit: keyOf(message.target, original), text: message.text } };
    case 'delete':
      return { jid: message.target.chat, content: { delete: keyOf(message.target, original) } };
  }
}

function mediaContent(message: Extract<OutgoingMessage, { type: 'media' }>): AnyMessageContent {
  const { kind, mimeType, fileName } = message.media;
  const data = mediaUpload(message.media);
  const caption = message.caption === undefined ? {} : { caption: message.caption };
  switch (kind) {
    case 'image':
      return { image: data, mimetype: mimeType, ...caption };
    case 'video':
      return { video: data, mimetype: mimeType, ...caption };
    case 'audio':
      // Audio carries no caption on WhatsApp; the runner sends a text of its own when there is one.
      return { audio: data, mimetype: mimeType };
    case 'document':
      return { document: data, mimetype: mimeType, fileName, ...caption };
  }
}

/**
 * A file on disk goes to Baileys as `{ url: path }`: it streams it through the encryption into its
 * own temporary file and uploads from there, so the bytes are never whole in memory, and a resend
 * after a lost socket reads the file again (a stream could be read only once). No `mediaCache` is
 * configured, so Baileys keeps nothing keyed by the path.
 */
function mediaUpload(media: OutgoingMedia): WAMediaUpload {
  if ('path' in media) return { url: media.path };
  return Buffer.from(media.bytes.buffer, media.bytes.byteOffset, media.bytes.byteLength);
}

/** The key WhatsApp names a message by; a group message from someone else also names its sender. */
function keyOf(record: MessageRecord, original: WAMessage | undefined): WAMessageKey {
  const key: WAMessageKey = { remoteJid: record.chat, id: record.id, fromMe: record.fromMe };
  const participant = original?.key.participant;
  if (participant) key.participant = participant;
  return key;
}

/** What the rules need to know of a message's content: its kind, text or caption, forwarding score. */
export function describeContent(message: proto.IMessage | null | undefined): { kind: MessageKind; text?: string; forwardingScore: number } | undefined {
  const content = normalizeMessageContent(message);
  if (!content) return undefined;
  if (content.conversation) return { kind: 'text', text: content.conversation, forwardingScore: 0 };
  const entries: [MessageKind, { text?: string | null; caption?: string | null; contextInfo?: proto.IContextInfo | null } | null | undefined][] = [
    ['text', content.extendedTextMessage],
    ['image', content.imageMessage],
    ['video', content.videoMessage],
    ['audio', content.audioMessage],
    ['document', content.documentMessage],
    ['location', content.locationMessage],
    ['contact', content.contactMessage ?? content.contactsArrayMessage],
  ];
  for (const [kind, part] of entries) {
    if (!part) continue;
    const text = part.text ?? part.caption ?? undefined;
    return { kind, ...(text ? { text } : {}), forwardingScore: part.contextInfo?.forwardingScore ?? 0 };
  }
  return undefined;
}

/** The original message with its text (or caption) replaced, as the recipients see it after an edit. */
export function withEditedText(raw: WAMessage, text: string): WAMessage {
  const message = proto.Message.decode(proto.Message.encode(normalizeMessageContent(raw.message) ?? {}).finish());
  if (message.conversation) message.conversation = text;
  else if (message.extendedTextMessage) message.extendedTextMessage.text = text;
  else {
    const media = message.imageMessage ?? message.videoMessage ?? message.documentMessage;
    if (media) media.caption = text;
  }
  return { ...raw, message };
}

/** A message as bytes for the store, and back. */
export function encodeRaw(raw: WAMessage): string {
  return Buffer.from(proto.WebMessageInfo.encode(raw).finish()).toString('base64');
}

export function decodeRaw(text: string): WAMessage {
  const message = proto.WebMessageInfo.decode(Buffer.from(text, 'base64'));
  // Every message the engine keeps has a key: it was sent or received under one.
  return { ...message, key: message.key ?? {} } as WAMessage;
}
