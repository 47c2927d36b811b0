import { isJidGroup, jidNormalizedUser, normalizeMessageContent, proto, type WAMessage, type WAMessageKey } from 'baileys';
import type { Clock } from '../../domain/clock.js';
import type { IncomingContent, IncomingMessage } from '../../domain/incoming.js';
import type { MediaKind } from '../../domain/limits.js';
import type { MessageRef } from '../../domain/message.js';

/**
 * What someone wrote to the session, in the shape every engine reports (`domain/incoming.ts`);
 * undefined for own messages, history, and content the connector does not describe (polls,
 * stickers, calls). A LID-addressed message names the sender's phone when WhatsApp sent it along
 * (`sender_pn`/`participant_pn`, which Baileys keeps as the key's `…Alt`).
 *
 * @example incomingOf(raw, clock)?.content // { kind: 'text', text: '1' }
 */
export function incomingOf(raw: WAMessage, self: string | undefined, clock: Pick<Clock, 'now'>): IncomingMessage | undefined {
  const { key } = raw;
  if (key.fromMe || !key.id || !key.remoteJid) return undefined;
  const message = normalizeMessageContent(raw.message);
  const chat = jidNormalizedUser(key.remoteJid);
  const content = message && contentOf(message, chat);
  if (!content) return undefined;
  const group = isJidGroup(chat) === true;
  const quoted = quotedOf(message, chat, self);
  return {
    id: key.id,
    chat,
    group,
    sender: senderOf(key, group, raw.pushName),
    timestamp: new Date(Number(raw.messageTimestamp ?? 0) * 1000 || clock.now()).toISOString(),
    ...(quoted ? { quoted } : {}),
    content,
  };
}

function senderOf(key: WAMessageKey, group: boolean, pushName: string | null | undefined): IncomingMessage['sender'] {
  const jid = jidNormalizedUser((group ? key.participant : key.remoteJid) ?? '');
  const alternative = group ? key.participantAlt : key.remoteJidAlt;
  const pn = [jid, alternative].find((candidate) => candidate?.endsWith('@s.whatsapp.net'));
  return {
    jid,
    ...(pn ? { phone: `+${pn.split('@')[0]!.split(':')[0]}` } : {}),
    ...(pushName ? { name: pushName } : {}),
  };
}

function contentOf(message: proto.IMessage, chat: string): IncomingContent | undefined {
  if (message.conversation) return { kind: 'text', text: message.conversation };
  if (message.extendedTextMessage?.text) return { kind: 'text', text: message.extendedTextMessage.text };
  const media = mediaOf(message);
  if (media) return media;
  const location = message.locationMessage ?? message.liveLocationMessage;
  if (location) {
    const { degreesLatitude, degreesLongitude } = location;
    const named = 'name' in location && location.name ? { name: location.name } : {};
    const address = 'address' in location && location.address ? { address: location.address } : {};
    return { kind: 'location', location: { latitude: degreesLatitude ?? 0, longitude: degreesLongitude ?? 0, ...named, ...address } };
  }
  const cards = message.contactMessage ? [message.contactMessage] : (message.contactsArrayMessage?.contacts ?? []);
  if (cards.length > 0) {
    return { kind: 'contact', contacts: cards.map((card) => ({ displayName: card.displayName ?? '', phones: phonesOf(card.vcard ?? ''), vcard: card.vcard ?? '' })) };
  }
  // Baileys turns a reaction's key to our side before it reports the message (cleanMessage).
  const reacted = message.reactionMessage?.key;
  if (reacted) return { kind: 'reaction', target: { chat, id: reacted.id ?? '', fromMe: reacted.fromMe === true }, emoji: message.reactionMessage?.text ?? '' };
  const protocol = message.protocolMessage;
  if (protocol?.key && protocol.type === proto.Message.ProtocolMessage.Type.REVOKE) return { kind: 'revoke', target: theirs(protocol.key, chat) };
  if (protocol?.key && protocol.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
    const edited = normalizeMessageContent(protocol.editedMessage);
    const text = edited?.conversation ?? edited?.extendedTextMessage?.text ?? edited?.imageMessage?.caption ?? edited?.videoMessage?.caption ?? edited?.documentMessage?.caption;
    if (typeof text === 'string') return { kind: 'edit', target: theirs(protocol.key, chat), text };
  }
  return undefined;
}

const mediaParts: [MediaKind, keyof proto.IMessage][] = [
  ['image', 'imageMessage'],
  ['video', 'videoMessage'],
  ['audio', 'audioMessage'],
  ['document', 'documentMessage'],
];

function mediaOf(message: proto.IMessage): IncomingContent | undefined {
  for (const [mediaKind, field] of mediaParts) {
    const part = message[field] as (proto.Message.IDocumentMessage & proto.Message.IImageMessage) | null | undefined;
    if (!part) continue;
    const size = part.fileLength === undefined || part.fileLength === null ? undefined : Number(part.fileLength);
    return {
      kind: 'media',
      mediaKind,
      mimeType: part.mimetype ?? 'application/octet-stream',
      ...(part.caption ? { caption: part.caption } : {}),
      ...(part.fileName ? { fileName: part.fileName } : {}),
      ...(size === undefined || !Number.isFinite(size) ? {} : { size }),
    };
  }
  return undefined;
}

/** The message a reply quotes; ours when its author (`participant`) is this account. */
function quotedOf(message: proto.IMessage | undefined, chat: string, self: string | undefined): MessageRef | undefined {
  const context = message?.extendedTextMessage?.contextInfo ?? message?.imageMessage?.contextInfo ?? message?.videoMessage?.contextInfo ?? message?.documentMessage?.contextInfo;
  if (!context?.stanzaId) return undefined;
  const author = context.participant ? jidNormalizedUser(context.participant) : undefined;
  return { chat, id: context.stanzaId, fromMe: self !== undefined && author === jidNormalizedUser(self) };
}

/** An edit or revoke names the writer's own message (their key says fromMe), which is not ours. */
function theirs(key: proto.IMessageKey, chat: string): MessageRef {
  return { chat, id: key.id ?? '', fromMe: false };
}

function phonesOf(vcard: string): string[] {
  return [...vcard.matchAll(/^TEL[^:\n]*:([^\r\n]+)/gim)].map((match) => match[1]!.trim());
}
