import { isReactionEmoji } from '../../domain/actions.js';
import { displayChat, normalizeChat } from '../../domain/chat.js';
import type { Clock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import type { MediaSizeLimits } from '../../domain/limits.js';
import { applyReaction, assertCanDelete, assertCanEdit, assertCanForward, assertCanReact } from '../../domain/rules.js';
import type { SentMessage } from '../engine.js';
import { assertTextFits, changedMessage, messageBody, type MessageBody, type NetworkChange, type NewContent } from './content.js';
import { chatSeenBy, currentText, directKey, type Conversation, type MessageStore, type ProtocolMessage, type StoredEntry, type StoredMessage } from './store.js';
import type { PictureShelf } from './pictures.js';
import { messageRecord } from './view.js';

/** A message as `actor` names it: the chat it sees it in, its id, and whether `actor` sent it. */
export interface TargetRef {
  chat: string;
  id: string;
  fromMe?: boolean;
}

export interface MessagingContext {
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly mediaSizeLimits: MediaSizeLimits;
  /** Forwards of one message by one account this close together count as one forward to many chats. */
  readonly forwardBatchMs: number;
  isOnWhatsApp(jid: string): boolean;
  emit(change: NetworkChange): void;
  /** Keeps the bytes of small images for the /sandbox page to draw. */
  readonly pictures: PictureShelf;
}

/**
 * Sending and changing messages as one account, under WhatsApp's rules (from `domain/rules`, with
 * the network's clock). Every operation takes the message id; the same id from the same sender in
 * the same conversation returns what the first one did and changes nothing, as WhatsApp's
 * recipients drop a resent message.
 */
export class Messaging {
  private readonly forwardBatches = new Map<string, { startedAt: number; count: number }>();

  constructor(private readonly ctx: MessagingContext) {}

  post(actor: string, chat: string, content: NewContent, id: string): SentMessage {
    const place = this.place(actor, chat);
    const existing = this.ctx.store.entry(place.key, actor, id);
    if (existing) return sent(existing);
    const quoted = this.quoted(actor, place.key, content);
    const body = messageBody(content, this.ctx.mediaSizeLimits);
    if (content.type === 'media' && 'bytes' in content.media && body.media) this.ctx.pictures.keep(body.media, content.media.bytes);
    return sent(this.append(place.open(), actor, place.jid, { ...body, ...(quoted ? { quoted } : {}) }, id, 0));
  }

  forward(actor: string, source: TargetRef, chat: string, id: string): SentMessage {
    const place = this.place(actor, chat);
    const existing = this.ctx.store.entry(place.key, actor, id);
    if (existing) return sent(existing);
    const { conversation, message } = this.target(actor, source);
    const batch = this.forwardBatch(actor, message);
    assertCanForward(messageRecord(message, conversation, actor), batch.count + 1);
    batch.count += 1;
    const { kind, media, location, contacts } = message;
    const body: MessageBody = { kind, text: currentText(message), media, location, contacts };
    return sent(this.append(place.open(), actor, place.jid, body, id, message.forwardingScore + 1));
  }

  react(actor: string, ref: TargetRef, emoji: string, id: string): SentMessage {
    if (!isReactionEmoji(emoji)) throw new ConnectorError('VALIDATION_ERROR', `"${emoji}" is not a single emoji; "" removes a reaction`, { emoji });
    const existing = this.ctx.store.entry(this.readKey(actor, ref.chat), actor, id);
    if (existing) return sent(existing);
    const { conversation, message } = this.target(actor, ref);
    assertCanReact(messageRecord(message, conversation, actor));
    message.reactions = applyReaction(message.reactions, actor, emoji);
    return this.protocol('reaction', conversation, actor, message, id, emoji);
  }

  edit(actor: string, ref: TargetRef, text: string, id: string): SentMessage {
    const existing = this.ctx.store.entry(this.readKey(actor, ref.chat), actor, id);
    if (existing) return sent(existing);
    const { conversation, message } = this.target(actor, ref);
    const now = this.ctx.clock.now();
    assertCanEdit(messageRecord(message, conversation, actor), now);
    assertTextFits(text, message.media ? 'caption' : 'text');
    message.edits.push({ text, at: now });
    return this.protocol('edit', conversation, actor, message, id);
  }

  remove(actor: string, ref: TargetRef, forEveryone: boolean, id: string): SentMessage {
    const existing = this.ctx.store.entry(this.readKey(actor, ref.chat), actor, id);
    if (existing) return sent(existing);
    const { conversation, message } = this.target(actor, ref);
    const now = this.ctx.clock.now();
    assertCanDelete(messageRecord(message, conversation, actor), forEveryone, now);
    if (forEveryone) {
      message.deletedForEveryone = true;
      message.deletedAt = now;
    } else {
      message.deletedFor.add(actor);
    }
    return this.protocol('delete', conversation, actor, message, id);
  }

  /** The message `actor` means, if it can see it; MESSAGE_NOT_FOUND otherwise. */
  /** The message a reply quotes: one of the conversation it is sent in. */
  private quoted(actor: string, key: string, content: NewContent): StoredMessage['quoted'] {
    const quote = 'quote' in content ? content.quote : undefined;
    if (!quote) return undefined;
    const { conversation, message } = this.target(actor, quote);
    if (conversation.key !== key) throw new ConnectorError('VALIDATION_ERROR', `A reply quotes a message of its own chat; ${quote.id} is in another`, { id: quote.id });
    return { id: message.id, sender: message.sender };
  }

  target(actor: string, ref: TargetRef): { conversation: Conversation; message: StoredMessage } {
    const conversation = this.ctx.store.get(this.readKey(actor, ref.chat));
    const message = conversation?.messages.find(
      (candidate) =>
        candidate.id === ref.id &&
        !candidate.deletedFor.has(actor) &&
        (ref.fromMe === undefined || (candidate.sender === actor) === ref.fromMe),
    );
    if (!conversation || !message) {
      throw new ConnectorError('MESSAGE_NOT_FOUND', `No message ${ref.id} in chat ${displayChat(ref.chat)}`, { id: ref.id, chat: ref.chat });
    }
    return { conversation, message };
  }

  /** The conversation key `actor` means by `chat`, without creating it or checking it can send there. */
  readKey(actor: string, chat: string): string {
    const target = normalizeChat(chat);
    if (target.kind === 'group') {
      const group = this.ctx.store.get(target.jid);
      return group?.participants.includes(actor) ? group.key : `${target.jid}\n(not a member)`;
    }
    return directKey(actor, target.jid);
  }

  /** Where `actor` may send: a group it is in, or a person on WhatsApp. */
  private place(actor: string, chat: string): { key: string; jid: string; open(): Conversation } {
    const target = normalizeChat(chat);
    const { store } = this.ctx;
    if (target.kind === 'group') {
      const group = store.get(target.jid);
      if (!group) throw new ConnectorError('FORBIDDEN', `There is no group ${target.jid}`, { chat: target.jid });
      if (!group.participants.includes(actor)) {
        throw new ConnectorError('FORBIDDEN', `${displayChat(actor)} is not a participant of group ${target.jid}`, { chat: target.jid });
      }
      return { key: group.key, jid: group.key, open: () => group };
    }
    if (target.kind !== 'user' || !this.ctx.isOnWhatsApp(target.jid)) {
      throw new ConnectorError('NOT_ON_WHATSAPP', `${displayChat(target.jid)} is not on WhatsApp`, { chat: target.jid });
    }
    return { key: directKey(actor, target.jid), jid: target.jid, open: () => store.openDirect(actor, target.jid, this.ctx.clock.now()) };
  }

  private append(conversation: Conversation, sender: string, chat: string, body: MessageBody, id: string, forwardingScore: number): StoredMessage {
    const recipients = conversation.participants.filter((jid) => jid !== sender);
    const message: StoredMessage = {
      ...body,
      id,
      conversation: conversation.key,
      chat,
      sender,
      timestamp: this.ctx.clock.now(),
      forwarded: forwardingScore > 0,
      forwardingScore,
      edits: [],
      deletedForEveryone: false,
      deletedFor: new Set(),
      reactions: new Map(),
      status: 'sent',
      receipts: new Map(recipients.map((jid) => [jid, 'sent'])),
    };
    this.ctx.store.add(message);
    this.ctx.emit({ type: 'message', key: conversation.key, message: changedMessage(message) });
    return message;
  }

  private protocol(kind: ProtocolMessage['protocol'], conversation: Conversation, actor: string, target: StoredMessage, id: string, emoji?: string): SentMessage {
    const entry: ProtocolMessage = {
      protocol: kind,
      id,
      conversation: conversation.key,
      chat: chatSeenBy(conversation, actor),
      sender: actor,
      timestamp: this.ctx.clock.now(),
      status: 'sent',
      target,
      ...(emoji === undefined ? {} : { emoji }),
    };
    this.ctx.store.add(entry);
    this.ctx.emit({ type: kind, key: conversation.key, message: changedMessage(target), by: actor, id });
    return sent(entry);
  }

  private forwardBatch(actor: string, source: StoredMessage): { startedAt: number; count: number } {
    const key = [source.conversation, source.sender, source.id, actor].join('\n');
    const now = this.ctx.clock.now();
    let batch = this.forwardBatches.get(key);
    if (!batch || now - batch.startedAt > this.ctx.forwardBatchMs) {
      batch = { startedAt: now, count: 0 };
      this.forwardBatches.set(key, batch);
    }
    return batch;
  }
}

/** What the sender's engine reports for a message or protocol message it sent. */
function sent(entry: StoredEntry): SentMessage {
  return { chat: entry.chat, id: entry.id, fromMe: true, timestamp: entry.timestamp, status: entry.status };
}
