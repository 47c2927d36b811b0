import type { IncomingContent, IncomingMessage } from '../../domain/incoming.js';
import type { MessageRef } from '../../domain/message.js';
import type { NetworkChange } from './content.js';
import { chatSeenBy, currentText, isProtocol, type Conversation, type MessageStore, type StoredEntry, type StoredMessage } from './store.js';

/** Who a sender is, as their phone tells it. */
export type SenderDirectory = (jid: string) => { phone: string; name?: string } | undefined;

/**
 * What `viewer` received with a change of the network, as an engine reports it to its session:
 * undefined when the change was not a message to them (their own, a receipt, a chat of others, a
 * deletion for the sender only).
 *
 * @example incomingFor(store, bot.jid, change, directory)?.content // { kind: 'text', text: 'Hi' }
 */
export function incomingFor(store: MessageStore, viewer: string, change: NetworkChange, directory: SenderDirectory): IncomingMessage | undefined {
  if (change.type === 'chat' || change.type === 'receipt') return undefined;
  const conversation = store.get(change.key);
  if (!conversation?.participants.includes(viewer)) return undefined;
  const sender = change.type === 'message' ? change.message.from : change.by;
  const id = change.type === 'message' ? change.message.id : change.id;
  const entry = sender === viewer ? undefined : store.entry(change.key, sender, id);
  const content = entry && contentOf(entry, conversation, viewer);
  if (!entry || !content) return undefined;
  const known = directory(sender);
  return {
    id: entry.id,
    chat: chatSeenBy(conversation, viewer),
    group: conversation.kind === 'group',
    sender: { jid: sender, ...(known ? { phone: known.phone } : {}), ...(known?.name === undefined ? {} : { name: known.name }) },
    timestamp: new Date(entry.timestamp).toISOString(),
    ...(!isProtocol(entry) && entry.quoted ? { quoted: { chat: chatSeenBy(conversation, viewer), id: entry.quoted.id, fromMe: entry.quoted.sender === viewer } } : {}),
    content,
  };
}

function contentOf(entry: StoredEntry, conversation: Conversation, viewer: string): IncomingContent | undefined {
  if (!isProtocol(entry)) return messageContent(entry);
  const target: MessageRef = { chat: chatSeenBy(conversation, viewer), id: entry.target.id, fromMe: entry.target.sender === viewer };
  switch (entry.protocol) {
    case 'reaction':
      return { kind: 'reaction', target, emoji: entry.emoji ?? '' };
    case 'edit':
      return { kind: 'edit', target, text: currentText(entry.target) ?? '' };
    case 'delete':
      return entry.target.deletedForEveryone ? { kind: 'revoke', target } : undefined;
  }
}

function messageContent(message: StoredMessage): IncomingContent | undefined {
  if (message.kind === 'text') return { kind: 'text', text: message.text ?? '' };
  if (message.kind === 'location' && message.location) return { kind: 'location', location: { ...message.location } };
  if (message.kind === 'contact' && message.contacts) return { kind: 'contact', contacts: message.contacts.map((c) => ({ ...c, phones: [...c.phones] })) };
  const media = message.media;
  if (!media) return undefined;
  return {
    kind: 'media',
    mediaKind: media.kind,
    mimeType: media.mimeType,
    fileName: media.fileName,
    size: media.size,
    ...(message.text === undefined ? {} : { caption: message.text }),
  };
}
