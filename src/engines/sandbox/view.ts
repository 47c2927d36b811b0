import { displayChat } from '../../domain/chat.js';
import { limits, type MediaKind } from '../../domain/limits.js';
import type { MessageRecord } from '../../domain/message.js';
import type { AttachmentView, ContactView, MessageView, NetworkChat, ReactionView } from './view-schemas.js';
import { chatSeenBy, currentText, type Conversation, type ProtocolMessage, type StoredMessage } from './store.js';

export type { AttachmentView, ContactView, MessageView, NetworkChat, ReactionView };

/** A conversation in a person's chat list. */
export interface ChatSummary {
  /** Stable key of the conversation (the group JID, or both JIDs of a one-to-one chat). */
  key: string;
  /** The chat as this person addresses it: the other person's JID, or the group JID. */
  chat: string;
  kind: 'direct' | 'group';
  /** Group subject, or the other person's name (their number when unnamed). */
  title: string;
  participants: string[];
  lastMessage?: MessageView;
  /** One line for a chat list, e.g. "📷 photo.jpg" or "This message was deleted". */
  preview: string;
  /** Messages from others this person has not read. */
  unread: number;
}

export type NameOf = (jid: string) => string | undefined;

/**
 * What `viewer` sees of a stored message; without a viewer, the network's neutral view (the
 * sender's chat, `fromMe` false, and who deleted it for themselves).
 */
export function messageView(message: StoredMessage, conversation: Conversation, viewer: string | undefined, nameOf: NameOf): MessageView {
  const view: MessageView = {
    id: message.id,
    chat: viewer === undefined ? message.chat : chatSeenBy(conversation, viewer),
    from: message.sender,
    fromMe: message.sender === viewer,
    timestamp: iso(message.timestamp),
    kind: message.kind,
    status: message.status,
    reactions: [],
    edited: false,
    deleted: message.deletedForEveryone,
    forwarded: message.forwarded,
    forwardedManyTimes: message.forwardingScore >= limits.frequentlyForwardedScore,
    forwardingScore: message.forwardingScore,
  };
  if (message.quoted) view.quoted = { id: message.quoted.id, from: message.quoted.sender };
  const fromName = nameOf(message.sender);
  if (fromName !== undefined) view.fromName = fromName;
  if (viewer === undefined) view.deletedFor = [...message.deletedFor];
  if (message.deletedForEveryone) {
    if (message.deletedAt !== undefined) view.deletedAt = iso(message.deletedAt);
    return view;
  }

  const text = currentText(message);
  if (message.media) {
    const { kind, fileName, mimeType, size, sha256 } = message.media;
    view.attachments = [{ type: kind, fileName, mimeType, size, sha256 }];
    if (text !== undefined) view.caption = text;
  } else if (text !== undefined) {
    view.text = text;
  }
  if (message.location) view.location = { ...message.location };
  if (message.contacts) {
    view.contacts = message.contacts.map((contact) => ({ ...contact, phones: [...contact.phones] }));
    view.contact = view.contacts[0];
  }
  view.reactions = [...message.reactions].map(([from, emoji]) => ({ from, emoji }));
  const lastEdit = message.edits.at(-1);
  if (lastEdit) {
    view.edited = true;
    view.editedAt = iso(lastEdit.at);
  }
  return view;
}

/** The engine's record of a message, from `viewer`'s side. */
export function messageRecord(message: StoredMessage, conversation: Conversation, viewer: string): MessageRecord {
  const record: MessageRecord = {
    chat: chatSeenBy(conversation, viewer),
    id: message.id,
    fromMe: message.sender === viewer,
    kind: message.kind,
    timestamp: message.timestamp,
    status: message.status,
    forwardingScore: message.forwardingScore,
    deletedForEveryone: message.deletedForEveryone,
  };
  const text = currentText(message);
  if (text !== undefined && !message.deletedForEveryone) record.text = text;
  return record;
}

/** A reaction is findable too, so WhatsApp's rules can refuse to react to it or forward it. */
export function reactionRecord(reaction: ProtocolMessage, conversation: Conversation, viewer: string): MessageRecord {
  return {
    chat: chatSeenBy(conversation, viewer),
    id: reaction.id,
    fromMe: reaction.sender === viewer,
    kind: 'reaction',
    timestamp: reaction.timestamp,
    status: reaction.status,
    text: reaction.emoji ?? '',
    forwardingScore: 0,
    deletedForEveryone: false,
  };
}

/** One line describing a message, for chat lists. */
export function previewOf(view: MessageView | undefined): string {
  if (!view) return '';
  if (view.deleted) return 'This message was deleted';
  const attachment = view.attachments?.[0];
  if (attachment) return [`${mediaIcon[attachment.type]} ${attachment.fileName}`, view.caption].filter(Boolean).join(' — ');
  if (view.location) return `📍 ${view.location.name ?? `${view.location.latitude}, ${view.location.longitude}`}`;
  if (view.contacts) return `👤 ${view.contacts.map((contact) => contact.displayName).join(', ')}`;
  return view.text ?? '';
}

/** A person's name in the network, else their number. */
export function titleOf(jid: string, nameOf: NameOf): string {
  return nameOf(jid) ?? displayChat(jid);
}

const mediaIcon: Record<MediaKind, string> = { image: '📷', video: '🎥', audio: '🎵', document: '📄' };

function iso(time: number): string {
  return new Date(time).toISOString();
}
