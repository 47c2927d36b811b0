import { displayChat, isGroupJid, toJid } from '../../domain/chat.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import { defaultMediaSizeLimits, type MediaSizeLimits } from '../../domain/limits.js';
import type { IncomingMessage } from '../../domain/incoming.js';
import type { MessageRecord } from '../../domain/message.js';
import type { SentMessage } from '../engine.js';
import { changedMessage, type NetworkChange, type NewContent } from './content.js';
import { accountJid, SandboxIds } from './ids.js';
import { incomingFor } from './incoming.js';
import { LinkDesk } from './linking.js';
import { Messaging, type TargetRef } from './messaging.js';
import { VirtualPhone, type PhoneOptions } from './phone.js';
import { applyReceipt } from './receipts.js';
import { isProtocol, MessageStore, type StoredEntry, type StoredMedia, type StoredMessage } from './store.js';
import { messageRecord, reactionRecord, type ChatSummary, type MessageView, type NetworkChat } from './view.js';
import { PictureShelf, type Picture } from './pictures.js';
import { Viewer } from './viewer.js';

export interface SandboxNetworkOptions {
  /** Every time window and timestamp reads it; tests pass a ManualClock. */
  clock?: Clock;
  /** Media size limits per kind; WhatsApp's defaults otherwise. */
  mediaSizeLimits?: Partial<MediaSizeLimits>;
  /**
   * Forwards of one message by one account within this many milliseconds count as one forward to
   * many chats (WhatsApp's limit of 5 applies to them together). Default 1000.
   */
  forwardBatchMs?: number;
  /**
   * Numbers the network has not seen join WhatsApp when first contacted or scanned with, so a
   * demo or a curl walk-through needs no set-up. Phones added with `onWhatsApp: false` stay
   * without an account. Default false: tests name every phone they use.
   */
  openRegistration?: boolean;
}

/** A message named by its id, optionally with a chat it is in (either side's JID or the key). */
export type MessageSelector = string | { id: string; chat?: string };

export type NetworkListener = (change: NetworkChange) => void;

/**
 * An in-memory WhatsApp network: phones with or without an account, groups, conversations, linked
 * devices, receipts, and WhatsApp's rules on the network's clock.
 *
 * @example
 * const network = new SandboxNetwork({ clock: new ManualClock(Date.parse('2026-01-01T09:00:00Z')) });
 * const anna = network.addPhone('+79001111111', { name: 'Anna' });
 * anna.sendText('+79002222222', 'Hi'); // NOT_ON_WHATSAPP until that phone is added
 */
export class SandboxNetwork {
  readonly clock: Clock;
  /** The server side of linking devices; engines use it, tests rarely need it. */
  readonly linking = new LinkDesk();
  private readonly ids = new SandboxIds();
  private readonly store = new MessageStore();
  private readonly phonesByJid = new Map<string, VirtualPhone>();
  private readonly listeners = new Set<NetworkListener>();
  private readonly messaging: Messaging;
  private readonly viewer: Viewer;
  private readonly pictures = new PictureShelf();
  private readonly openRegistration: boolean;

  constructor(options: SandboxNetworkOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.openRegistration = options.openRegistration ?? false;
    this.messaging = new Messaging({
      store: this.store,
      clock: this.clock,
      mediaSizeLimits: { ...defaultMediaSizeLimits, ...options.mediaSizeLimits },
      forwardBatchMs: options.forwardBatchMs ?? 1000,
      isOnWhatsApp: (jid) => this.isOnWhatsApp(jid),
      emit: (change) => this.emit(change),
      pictures: this.pictures,
    });
    this.viewer = new Viewer(
      this.store,
      (jid) => this.phonesByJid.get(jid)?.name,
      (jid) => this.linking.linkedDevices().some((device) => device.jid === jid),
    );
  }

  // The world

  /** A phone in the network; with `onWhatsApp: false` it has no account (checkNumbers says false). */
  addPhone(phone: string, options: PhoneOptions = {}): VirtualPhone {
    const jid = accountJid(phone);
    if (this.phonesByJid.has(jid)) throw new ConnectorError('VALIDATION_ERROR', `Phone ${displayChat(jid)} is already in the network`, { jid });
    const added = new VirtualPhone(this, jid, options);
    this.phonesByJid.set(jid, added);
    return added;
  }

  phone(phoneOrJid: string): VirtualPhone | undefined {
    const jid = accountJid(phoneOrJid);
    const known = this.phonesByJid.get(jid);
    if (known || !this.openRegistration) return known;
    return this.addPhone(jid.split('@')[0] ?? jid);
  }

  /** What `viewer` (a linked account's JID) received with this change; undefined when nothing. */
  incomingFor(viewer: string, change: NetworkChange): IncomingMessage | undefined {
    return incomingFor(this.store, viewer, change, (jid) => this.phonesByJid.get(jid));
  }

  phones(): VirtualPhone[] {
    return [...this.phonesByJid.values()];
  }

  isOnWhatsApp(phoneOrJid: string): boolean {
    try {
      return this.phone(phoneOrJid)?.onWhatsApp === true;
    } catch {
      return false;
    }
  }

  /** A group of these phones. Returns its JID, e.g. `120363000000000001@g.us`. */
  createGroup(subject: string, participantPhones: readonly string[]): string {
    if (subject.trim() === '') throw new ConnectorError('VALIDATION_ERROR', 'A group needs a subject');
    if (participantPhones.length === 0) throw new ConnectorError('VALIDATION_ERROR', 'A group needs participants');
    const participants = participantPhones.map((phone) => this.account(phone));
    const jid = this.ids.nextGroupJid();
    this.store.createGroup(jid, subject, participants, this.clock.now());
    this.emit({ type: 'chat', key: jid });
    return jid;
  }

  group(jid: string): { jid: string; subject: string; participants: string[] } | undefined {
    const conversation = this.store.get(jid);
    if (conversation?.kind !== 'group') return undefined;
    return { jid, subject: conversation.subject ?? '', participants: [...conversation.participants] };
  }

  // Acting as an account (engines for their linked account, phones for themselves)

  /** A fresh WhatsApp-looking message id. */
  newMessageId(): string {
    return this.ids.nextMessageId();
  }

  post(from: string, chat: string, content: NewContent, id = this.newMessageId()): SentMessage {
    return this.messaging.post(this.account(from), chat, content, id);
  }

  forward(from: string, source: TargetRef, chat: string, id = this.newMessageId()): SentMessage {
    return this.messaging.forward(this.account(from), source, chat, id);
  }

  react(from: string, target: TargetRef, emoji: string, id = this.newMessageId()): SentMessage {
    return this.messaging.react(this.account(from), target, emoji, id);
  }

  edit(from: string, target: TargetRef, text: string, id = this.newMessageId()): SentMessage {
    return this.messaging.edit(this.account(from), target, text, id);
  }

  deleteMessage(from: string, target: TargetRef, forEveryone: boolean, id = this.newMessageId()): SentMessage {
    return this.messaging.remove(this.account(from), target, forEveryone, id);
  }

  /**
   * A message as `viewer` knows it, if it is in one of their chats and not deleted for them. The id
   * of an edit or deletion finds the message it changed; a reaction's id finds the reaction.
   */
  findRecord(viewer: string, ref: { id: string; chat?: string }): MessageRecord | undefined {
    const jid = accountJid(viewer);
    const key = ref.chat === undefined ? undefined : this.messaging.readKey(jid, ref.chat);
    const records = this.store.withId(ref.id).flatMap((entry): MessageRecord[] => {
      const conversation = this.store.get(entry.conversation);
      if (!conversation?.participants.includes(jid) || (key !== undefined && key !== conversation.key)) return [];
      if (isProtocol(entry) && entry.protocol === 'reaction') return [reactionRecord(entry, conversation, jid)];
      const message = isProtocol(entry) ? entry.target : entry;
      return message.deletedFor.has(jid) ? [] : [messageRecord(message, conversation, jid)];
    });
    const rank = (record: MessageRecord) => (record.kind === 'reaction' ? 2 : 0) + (record.fromMe ? 0 : 1);
    return records.sort((a, b) => rank(a) - rank(b))[0];
  }

  /** Finds a message `viewer` can see by id, trying the chat first when given. For phones and tests. */
  locate(viewer: string, selector: MessageSelector): TargetRef {
    const { id, chat } = typeof selector === 'string' ? { id: selector, chat: undefined } : selector;
    const record = (chat === undefined ? undefined : this.findRecord(viewer, { id, chat })) ?? this.findRecord(viewer, { id });
    if (!record) throw new ConnectorError('MESSAGE_NOT_FOUND', `${displayChat(accountJid(viewer))} sees no message ${id}`, { id });
    return { chat: record.chat, id: record.id, fromMe: record.fromMe };
  }

  // Linking

  /** The phone scans a QR code a session shows. Stale (rotated) codes: VALIDATION_ERROR 'QR code expired'. */
  scan(qr: string, phone: string): { sessionId: string; jid: string } {
    const jid = this.account(phone);
    return { sessionId: this.linking.scan(qr, jid), jid };
  }

  /** The phone types the pairing code a session asked for on its behalf. */
  enterPairingCode(phone: string, code: string): { sessionId: string; jid: string } {
    const jid = this.account(phone);
    return { sessionId: this.linking.enterPairingCode(code, jid), jid };
  }

  /** The phone removes a linked device: by session id, or every device of a phone. Returns how many. */
  logoutDevice(phoneOrSessionId: string): number {
    const reason = 'removed from phone';
    const bySession = this.linking.remove((device) => device.sessionId === phoneOrSessionId, reason);
    if (bySession > 0) return bySession;
    let jid: string;
    try {
      jid = accountJid(phoneOrSessionId);
    } catch {
      return 0;
    }
    return this.linking.remove((device) => device.jid === jid, reason);
  }

  // Receipts, on demand

  /** The recipients' phones (or only `by`) received the message; the sender's devices get a receipt. */
  deliver(selector: MessageSelector, options: { by?: string } = {}): void {
    this.receipt(this.select(selector), 'delivered', options.by);
  }

  read(selector: MessageSelector, options: { by?: string } = {}): void {
    this.receipt(this.select(selector), 'read', options.by);
  }

  deliverAll(): void {
    this.receipt(this.store.messages(), 'delivered');
  }

  /** `viewer` opens every chat (or just `chat`) and reads what others sent. */
  readAll(viewer: string, chat?: string): void {
    const jid = accountJid(viewer);
    const key = chat === undefined ? undefined : this.messaging.readKey(jid, chat);
    const unread = this.store.messages().filter((message) => message.receipts.has(jid) && (key === undefined || message.conversation === key));
    this.receipt(unread, 'read', viewer);
  }

  // What people see

  /** `viewer`'s chat with `chat` (a phone, a person's JID or a group JID), oldest first. */
  conversation(viewer: string, chat: string): MessageView[] {
    const jid = accountJid(viewer);
    const target = toJid(chat);
    if (isGroupJid(target) && !this.store.get(target)?.participants.includes(jid)) {
      throw new ConnectorError('FORBIDDEN', `${displayChat(jid)} is not in group ${target}`, { chat: target });
    }
    const conversation = this.store.get(this.messaging.readKey(jid, target));
    return conversation ? this.viewer.conversation(conversation, jid) : [];
  }

  chatsOf(viewer: string): ChatSummary[] {
    return this.viewer.chatsOf(accountJid(viewer));
  }

  /** Every conversation of the network, most recent first; `key` is stable. */
  allChats(): NetworkChat[] {
    return this.viewer.allChats();
  }

  /** Every message of one conversation of {@link allChats}, as the network holds it. */
  chatMessages(key: string): MessageView[] {
    const conversation = this.store.get(key);
    if (!conversation) throw new ConnectorError('VALIDATION_ERROR', `No chat "${key}" in the sandbox`, { key });
    return this.viewer.neutral(conversation);
  }

  /** The file of a message `viewer` sees, with its bytes while the network keeps them (pictures only); undefined when it has none. */
  fileOf(viewer: string, ref: { id: string; chat?: string }): { media: StoredMedia; bytes?: Uint8Array } | undefined {
    const jid = accountJid(viewer);
    const key = ref.chat === undefined ? undefined : this.messaging.readKey(jid, ref.chat);
    const seen = (entry: StoredEntry) => this.store.get(entry.conversation)?.participants.includes(jid) && (key === undefined || key === entry.conversation);
    const media = this.store.withId(ref.id).flatMap((entry) => (!isProtocol(entry) && entry.media && seen(entry) ? [entry.media] : []))[0];
    if (!media) return undefined;
    const bytes = this.pictures.get(media.sha256)?.bytes;
    return { media, ...(bytes ? { bytes } : {}) };
  }

  /** The bytes of an image sent through the network, by its SHA-256, while the network keeps them (see `PictureShelf`). */
  picture(sha256: string): Picture | undefined {
    return this.pictures.get(sha256);
  }

  /** Every message others sent to this phone, in any chat, oldest first. */
  messagesSeenBy(phone: string): MessageView[] {
    return this.viewer.received(accountJid(phone));
  }

  /** Called on every new message, edit, reaction, deletion, receipt and group. Returns the unsubscribe. */
  onChange(listener: NetworkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An account that exists and is on WhatsApp. */
  private account(phoneOrJid: string): string {
    const jid = accountJid(phoneOrJid);
    const phone = this.phone(jid);
    if (!phone) throw new ConnectorError('VALIDATION_ERROR', `No phone ${displayChat(jid)} in the sandbox; add it with addPhone`, { jid });
    if (!phone.onWhatsApp) throw new ConnectorError('NOT_ON_WHATSAPP', `${displayChat(jid)} is not on WhatsApp`, { jid });
    return jid;
  }

  private select(selector: MessageSelector): StoredMessage[] {
    const { id, chat } = typeof selector === 'string' ? { id: selector, chat: undefined } : selector;
    const jid = chat === undefined ? undefined : jidOrKey(chat);
    const found = this.store
      .withId(id)
      .filter((entry): entry is StoredMessage => !isProtocol(entry))
      .filter((message) => jid === undefined || [message.conversation, message.chat, message.sender].includes(jid));
    if (found.length === 0) throw new ConnectorError('MESSAGE_NOT_FOUND', `No message ${id} in the sandbox`, { id, chat });
    return found;
  }

  private receipt(messages: readonly StoredMessage[], status: 'delivered' | 'read', by?: string): void {
    const recipients = by === undefined ? undefined : [accountJid(by)];
    for (const message of messages) {
      const moved = applyReceipt(message, status, recipients);
      if (moved) this.emit({ type: 'receipt', key: message.conversation, message: changedMessage(message), status: moved });
    }
  }

  private emit(change: NetworkChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A viewer that fails must not undo or block what happened in the network.
      }
    }
  }
}

function jidOrKey(chat: string): string {
  try {
    return toJid(chat);
  } catch {
    return chat;
  }
}
