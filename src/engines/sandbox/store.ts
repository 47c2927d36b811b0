import type { Location } from '../../domain/actions.js';
import type { MediaKind } from '../../domain/limits.js';
import type { MessageKind, MessageStatus } from '../../domain/message.js';

/** A file as the network keeps it: its description and a fingerprint, not the bytes. */
export interface StoredMedia {
  kind: MediaKind;
  mimeType: string;
  fileName: string;
  size: number;
  /** Hex SHA-256 of the bytes, so tests can check the right file arrived. */
  sha256: string;
}

export interface StoredContact {
  displayName: string;
  vcard: string;
  phones: string[];
}

/** One message of a conversation with everything that happened to it since. */
export interface StoredMessage {
  readonly id: string;
  /** Key of the conversation it belongs to (see {@link directKey}). */
  readonly conversation: string;
  /** The chat as the sender addressed it: the recipient's JID, or the group JID. */
  readonly chat: string;
  readonly sender: string;
  readonly timestamp: number;
  readonly kind: Exclude<MessageKind, 'reaction'>;
  /** The text as sent, or the caption of a media message; edits are in `edits`. */
  readonly text?: string;
  readonly media?: StoredMedia;
  readonly location?: Location;
  readonly contacts?: StoredContact[];
  readonly forwarded: boolean;
  readonly forwardingScore: number;
  /** The message it replies to, in the same conversation. */
  readonly quoted?: { id: string; sender: string };
  readonly edits: { text: string; at: number }[];
  deletedForEveryone: boolean;
  deletedAt?: number;
  /** Who deleted it for themselves only. */
  readonly deletedFor: Set<string>;
  reactions: Map<string, string>;
  /** The sender's view: the least advanced receipt over every recipient. */
  status: MessageStatus;
  /** Per recipient JID. */
  readonly receipts: Map<string, MessageStatus>;
}

/** An edit, a deletion or a reaction: a message of its own on the wire that changes another one. */
export interface ProtocolMessage {
  readonly protocol: 'reaction' | 'edit' | 'delete';
  readonly id: string;
  readonly conversation: string;
  readonly chat: string;
  readonly sender: string;
  readonly timestamp: number;
  readonly status: MessageStatus;
  readonly target: StoredMessage;
  readonly emoji?: string;
}

export type StoredEntry = StoredMessage | ProtocolMessage;

export function isProtocol(entry: StoredEntry): entry is ProtocolMessage {
  return 'protocol' in entry;
}

export interface Conversation {
  readonly key: string;
  readonly kind: 'direct' | 'group';
  /** Sorted JIDs; one for a chat with oneself. */
  readonly participants: readonly string[];
  readonly subject?: string;
  readonly createdAt: number;
  readonly messages: StoredMessage[];
}

/** The text now shown: the last edit, else the text as sent. */
export function currentText(message: StoredMessage): string | undefined {
  return message.edits.at(-1)?.text ?? message.text;
}

/**
 * The stable key of a one-to-one conversation, the same from both sides.
 *
 * @example directKey('79002222222@s.whatsapp.net', '79001111111@s.whatsapp.net') // '79001111111@s.whatsapp.net,79002222222@s.whatsapp.net'
 */
export function directKey(a: string, b: string): string {
  return [a, b].sort().join(',');
}

/** How `viewer` addresses the conversation: the other person's JID, or the group JID. */
export function chatSeenBy(conversation: Conversation, viewer: string): string {
  if (conversation.kind === 'group') return conversation.key;
  return conversation.participants.find((jid) => jid !== viewer) ?? viewer;
}

/**
 * Every conversation and message of the network. A message is identified by conversation, sender
 * and id together, as WhatsApp's message keys are; the same triple again is the same message.
 */
export class MessageStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly entries = new Map<string, StoredEntry>();
  private readonly byId = new Map<string, StoredEntry[]>();
  private readonly ordered: StoredMessage[] = [];

  get(key: string): Conversation | undefined {
    return this.conversations.get(key);
  }

  all(): Conversation[] {
    return [...this.conversations.values()];
  }

  of(member: string): Conversation[] {
    return this.all().filter((conversation) => conversation.participants.includes(member));
  }

  openDirect(a: string, b: string, now: number): Conversation {
    const key = directKey(a, b);
    return this.conversations.get(key) ?? this.create({ key, kind: 'direct', participants: [...new Set([a, b])].sort(), createdAt: now, messages: [] });
  }

  createGroup(jid: string, subject: string, participants: readonly string[], now: number): Conversation {
    return this.create({ key: jid, kind: 'group', subject, participants: [...new Set(participants)].sort(), createdAt: now, messages: [] });
  }

  /** The message or protocol message `sender` sent with this id in this conversation. */
  entry(conversation: string, sender: string, id: string): StoredEntry | undefined {
    return this.entries.get(entryKey(conversation, sender, id));
  }

  /** Every message of every conversation, in the order they were sent. */
  messages(): readonly StoredMessage[] {
    return this.ordered;
  }

  withId(id: string): readonly StoredEntry[] {
    return this.byId.get(id) ?? [];
  }

  add(entry: StoredEntry): void {
    this.entries.set(entryKey(entry.conversation, entry.sender, entry.id), entry);
    this.byId.set(entry.id, [...this.withId(entry.id), entry]);
    if (isProtocol(entry)) return;
    this.conversations.get(entry.conversation)?.messages.push(entry);
    this.ordered.push(entry);
  }

  private create(conversation: Conversation): Conversation {
    this.conversations.set(conversation.key, conversation);
    return conversation;
  }
}

function entryKey(conversation: string, sender: string, id: string): string {
  return `${conversation}\n${sender}\n${id}`;
}
