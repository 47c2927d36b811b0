import { normalizeMessageContent, proto } from 'baileys';
import type { ReceivedMessage } from './inbox.js';

/** One message as the recipient's phone shows it, in the same shape as the sandbox's chat view. */
export interface ShownMessage {
  id: string;
  chat: string;
  kind: 'text' | 'image' | 'video' | 'audio' | 'document' | 'location' | 'contact';
  text?: string;
  caption?: string;
  attachments?: { fileName?: string; mimeType: string; size: number }[];
  location?: { latitude: number; longitude: number; name?: string };
  contact?: { displayName: string; vcard: string };
  reactions: { from: string; emoji: string }[];
  edited: boolean;
  deleted: boolean;
  forwarded: boolean;
  /** The message it replies to (its context's stanza id). */
  quoted?: { id: string };
}

/**
 * Folds what a phone received into what it shows: edits replace text, a revoke hides a message,
 * reactions attach to their target (one per sender, `""` removes it).
 */
export function phoneView(received: readonly ReceivedMessage[]): ShownMessage[] {
  const shown = new Map<string, ShownMessage>();
  for (const { id, chat, sender, message } of received) {
    const content = normalizeMessageContent(message) ?? {};
    const change = content.protocolMessage;
    const target = change?.key?.id ? shown.get(change.key.id) : undefined;
    if (change?.type === proto.Message.ProtocolMessage.Type.REVOKE) {
      if (target) Object.assign(target, { deleted: true, text: undefined, caption: undefined });
      continue;
    }
    if (change?.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
      const edited = normalizeMessageContent(change.editedMessage) ?? {};
      const text = edited.conversation ?? edited.extendedTextMessage?.text ?? edited.imageMessage?.caption ?? undefined;
      if (target && text) Object.assign(target, target.kind === 'text' ? { text } : { caption: text }, { edited: true });
      continue;
    }
    if (content.reactionMessage) {
      const reacted = content.reactionMessage.key?.id ? shown.get(content.reactionMessage.key.id) : undefined;
      if (!reacted) continue;
      reacted.reactions = reacted.reactions.filter((r) => r.from !== sender);
      if (content.reactionMessage.text) reacted.reactions.push({ from: sender, emoji: content.reactionMessage.text });
      continue;
    }
    const view = describe(id, chat, content);
    if (view) shown.set(id, view);
  }
  return [...shown.values()];
}

function describe(id: string, chat: string, content: proto.IMessage): ShownMessage | undefined {
  const base = { id, chat, reactions: [], edited: false, deleted: false };
  const text = content.conversation ?? content.extendedTextMessage?.text;
  if (text) return { ...base, kind: 'text', text, forwarded: content.extendedTextMessage?.contextInfo?.isForwarded === true, ...quotedBy(content.extendedTextMessage?.contextInfo) };
  const media = (['image', 'video', 'audio', 'document'] as const).find((kind) => content[`${kind}Message`]);
  if (media) {
    const part = content[`${media}Message`] as proto.Message.IDocumentMessage & proto.Message.IImageMessage;
    const attachment = { mimeType: part.mimetype ?? '', size: Number(part.fileLength ?? 0), ...(part.fileName ? { fileName: part.fileName } : {}) };
    return { ...base, kind: media, ...(part.caption ? { caption: part.caption } : {}), attachments: [attachment], forwarded: part.contextInfo?.isForwarded === true, ...quotedBy(part.contextInfo) };
  }
  const location = content.locationMessage;
  if (location) {
    const place = { latitude: location.degreesLatitude ?? 0, longitude: location.degreesLongitude ?? 0, ...(location.name ? { name: location.name } : {}) };
    return { ...base, kind: 'location', location: place, forwarded: location.contextInfo?.isForwarded === true };
  }
  const contact = content.contactMessage ?? content.contactsArrayMessage?.contacts?.[0];
  if (contact) return { ...base, kind: 'contact', contact: { displayName: contact.displayName ?? '', vcard: contact.vcard ?? '' }, forwarded: false };
  return undefined;
}

function quotedBy(context: proto.IContextInfo | null | undefined): { quoted?: { id: string } } {
  return context?.stanzaId ? { quoted: { id: context.stanzaId } } : {};
}
