import { type ActionName, type ActionParams, type AttachmentFormat, type AttachmentInput } from '../domain/actions.js';
import { normalizeChat } from '../domain/chat.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import type { MessageRecord, MessageRef } from '../domain/message.js';
import type { ActionResult, ActionResults, SentAttachment } from '../domain/result.js';
import { assertCanDelete, assertCanEdit, assertCanForward, assertCanReact, fitsCaption } from '../domain/rules.js';
import { toContactPayload } from '../domain/vcard.js';
import type { OutgoingMessage, SentMessage, WhatsAppEngine } from '../engines/engine.js';
import { deriveMessageId, MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { ActionQueue, type ActionQueueOptions, type SessionOwner, type SubmitOptions, type Submitted } from '../queue/action-queue.js';
import { MemoryOutbox, type Outbox } from '../queue/outbox.js';
import { throwIfAborted } from './abort.js';
import { notFound, refsOf, type PartRef } from './message-refs.js';
import { ByteBudget, prepareAttachments, type PrepareAttachmentsOptions, type PreparedAttachment, type PreparedAttachments } from '../attachments/index.js';
import { attachmentBudgets } from '../domain/limits.js';

/** Fetches and checks attachments; `attachments/prepareAttachments` with the operator's policy bound. */
export type PrepareAttachments = (
  attachments: AttachmentInput | AttachmentInput[],
  format: AttachmentFormat,
  options: { signal?: AbortSignal },
) => Promise<PreparedAttachments>;

export interface ActionRunnerOptions {
  engine: WhatsAppEngine;
  /**
   * How attachments are fetched: the address policy, limits, budgets and time limit of
   * `attachments/`. Without a `budget`, the runner keeps one for all its actions
   * (`attachmentBudgets.processMaxBytes`).
   */
  attachments?: PrepareAttachmentsOptions;
  /** Replaces the fetching itself. */
  prepareAttachments?: PrepareAttachments;
  clock?: Clock;
  idempotency?: IdempotencyStore;
  /** Where accepted actions wait until sent (the store's, durable); in memory by default. */
  outbox?: Outbox;
  /** Actions one session may have waiting or being sent; one more is RATE_LIMITED. */
  maxQueuedPerSession?: number;
  /** Aborted when the process stops: actions not yet sent stay in the outbox (see `ActionQueue`). */
  stop?: AbortSignal;
  /** In a cluster: which sessions this node holds, and the way to the node that holds the others. */
  owner?: SessionOwner;
  /** Hears each action performed here end (see `ActionQueueOptions.onSettled`): the events' message.status. */
  onSettled?: ActionQueueOptions['onSettled'];
}

/** See `CONNECTOR_SEND_QUEUE_LIMIT` in docs/service.md. */
export const defaultMaxQueuedPerSession = 10_000;

export interface RunOptions {
  /** Same key and same input → the same result and no second send. A random key when omitted. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/**
 * Performs the seven actions on an engine's sessions: validates and normalises the input, checks
 * WhatsApp's rules, fetches attachments, sends, and shapes the result. The in-process component and
 * the HTTP service both act through it.
 *
 * @example await runner.run(sessionId, 'sendMessage', { chat: '+79001234567', text: 'Hi' }, { idempotencyKey: 'order-42' })
 */
export class ActionRunner {
  private readonly engine: WhatsAppEngine;
  private readonly clock: Clock;
  private readonly prepareAttachments: PrepareAttachments;
  private readonly queue: ActionQueue;

  constructor(options: ActionRunnerOptions) {
    this.engine = options.engine;
    this.clock = options.clock ?? systemClock;
    const idempotency = options.idempotency ?? new MemoryIdempotencyStore();
    this.queue = new ActionQueue({
      perform: (entry, signal) => this.perform({ sessionId: entry.sessionId, key: entry.key, signal, part: 0 }, entry.action, entry.params),
      outbox: options.outbox ?? new MemoryOutbox(idempotency),
      results: idempotency,
      clock: this.clock,
      maxQueuedPerSession: options.maxQueuedPerSession ?? defaultMaxQueuedPerSession,
      ...(options.stop ? { stop: options.stop } : {}),
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.onSettled ? { onSettled: options.onSettled } : {}),
    });
    const policy = { budget: new ByteBudget(attachmentBudgets.processMaxBytes), ...options.attachments };
    this.prepareAttachments = options.prepareAttachments ?? ((list, format, { signal }) => prepareAttachments(list, format, { ...policy, ...(signal ? { signal } : {}) }));
  }

  /** Performs an action and answers its result (see `submit`). */
  async run<A extends ActionName>(sessionId: string, action: A, input: unknown, options: RunOptions = {}): Promise<ActionResults[A]> {
    const answer = await this.queue.submit(sessionId, action, input, { ...options, respondAsync: false });
    if (answer.kind !== 'done') throw new ConnectorError('INTERNAL', 'A waiting caller was answered before the action ended');
    return answer.result;
  }

  /**
   * Accepts an action into its session's durable queue and answers its result, or, with
   * `respondAsync`, its queued entry as soon as it is recorded (see `queue/ActionQueue`).
   */
  submit<A extends ActionName>(sessionId: string, action: A, input: unknown, options: SubmitOptions = {}): Promise<Submitted<A>> {
    return this.queue.submit(sessionId, action, input, options);
  }

  /** Performs what the outbox still holds (after a restart): see `ActionQueue.recover`. */
  recover(sessionIds?: readonly string[]): Promise<number> {
    return this.queue.recover(sessionIds);
  }

  /** Performs an action another node accepted for a session this node holds (see `ActionQueue.performQueued`). */
  performQueued(sessionId: string, key: string): Promise<void> {
    return this.queue.performQueued(sessionId, key);
  }

  /** Actions of the session waiting or being sent by this runner. */
  depth(sessionId: string): number {
    return this.queue.depth(sessionId);
  }

  /** Resolves once no action is waiting or being sent. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private perform(context: SendContext, action: ActionName, params: ActionParams[ActionName]): Promise<ActionResult> {
    switch (action) {
      case 'sendMessage':
        return this.sendMessage(context, params as ActionParams['sendMessage']);
      case 'sendLocation':
        return this.sendLocation(context, params as ActionParams['sendLocation']);
      case 'sendContact':
        return this.sendContact(context, params as ActionParams['sendContact']);
      case 'sendReaction':
        return this.sendReaction(context, params as ActionParams['sendReaction']);
      case 'forwardMessage':
        return this.forwardMessage(context, params as ActionParams['forwardMessage']);
      case 'editMessage':
        return this.editMessage(context, params as ActionParams['editMessage']);
      case 'deleteMessage':
        return this.deleteMessage(context, params as ActionParams['deleteMessage']);
    }
  }

  private async sendMessage(context: SendContext, params: ActionParams['sendMessage']): Promise<ActionResults['sendMessage']> {
    const chat = await this.recipient(context, params.chat);
    const text = params.text ?? '';
    const quoted = params.replyTo === undefined ? undefined : await this.quotedIn(context, chat, params.replyTo);
    const batch = params.attachments === undefined ? undefined : await this.prepareAttachments(params.attachments, params.attachmentFormat, { signal: context.signal });
    try {
      return await this.sendWithAttachments(context, chat, text, batch?.files ?? [], quoted);
    } finally {
      // the files and their share of the byte budget go back whether the send worked or not
      await batch?.release();
    }
  }

  /** The message a reply quotes: one of the same chat, which this connection sent or received. */
  private async quotedIn(context: SendContext, chat: string, replyTo: NonNullable<ActionParams['sendMessage']['replyTo']>): Promise<MessageRecord> {
    const [target] = await this.targets(context, replyTo, chat, false);
    if (target.chat !== chat) throw new ConnectorError('VALIDATION_ERROR', `replyTo names a message of ${target.chat}, not of ${chat}: a reply quotes a message of its own chat`, { replyTo: toRef(target), chat });
    return target;
  }

  private async sendWithAttachments(context: SendContext, chat: string, text: string, attachments: PreparedAttachment[], quoted?: MessageRecord): Promise<ActionResults['sendMessage']> {
    const outgoing: OutgoingMessage[] = [];
    const captionFirst = attachments.length > 0 && text !== '' && fitsCaption(text);
    if (text !== '' && !captionFirst) outgoing.push({ type: 'text', chat, text });
    attachments.forEach((file, index) => {
      const media = { kind: file.sendAs, path: file.path, size: file.size, mimeType: file.mimeType, fileName: file.fileName };
      outgoing.push(captionFirst && index === 0 ? { type: 'media', chat, media, caption: text } : { type: 'media', chat, media });
    });

    // The first message carries the quote, as WhatsApp shows a reply once.
    if (quoted && outgoing[0]) outgoing[0] = { ...outgoing[0], quoted } as OutgoingMessage;
    const sent: SentMessage[] = [];
    for (const message of outgoing) sent.push(await this.send(context, message));
    const first = firstOf(sent);
    const mediaParts = sent.slice(sent.length - attachments.length);
    const summaries: SentAttachment[] = attachments.map((file, index) => ({
      id: mediaParts[index]?.id ?? '',
      title: file.title,
      fileName: file.fileName,
      type: file.sendAs,
      mimeType: file.mimeType,
      size: file.size,
    }));
    return {
      ...base('sendMessage', first),
      ...(text !== '' ? { text } : {}),
      ...(summaries.length > 0 ? { attachments: summaries } : {}),
      parts: sent.map(toRef),
      ...(quoted ? { replyTo: toRef(quoted) } : {}),
    };
  }

  private async sendLocation(context: SendContext, params: ActionParams['sendLocation']): Promise<ActionResults['sendLocation']> {
    const chat = await this.recipient(context, params.chat);
    const sent = await this.send(context, { type: 'location', chat, location: params.location });
    return { ...base('sendLocation', sent), location: params.location };
  }

  private async sendContact(context: SendContext, params: ActionParams['sendContact']): Promise<ActionResults['sendContact']> {
    const chat = await this.recipient(context, params.chat);
    const contacts = (Array.isArray(params.contact) ? params.contact : [params.contact]).map(toContactPayload);
    const sent = await this.send(context, { type: 'contacts', chat, contacts });
    return { ...base('sendContact', sent), contacts: contacts.map(({ displayName, phones }) => ({ name: displayName, phones })) };
  }

  private async sendReaction(context: SendContext, params: ActionParams['sendReaction']): Promise<ActionResults['sendReaction']> {
    const [target] = await this.targets(context, params.message, params.chat, false);
    assertCanReact(target);
    const sent = await this.send(context, { type: 'reaction', target, emoji: params.emoji });
    return { ...base('sendReaction', sent), chat: target.chat, emoji: params.emoji, target: toRef(target) };
  }

  private async forwardMessage(context: SendContext, params: ActionParams['forwardMessage']): Promise<ActionResults['forwardMessage']> {
    const [target] = await this.targets(context, params.message, undefined, false);
    const chats = Array.isArray(params.chat) ? params.chat : [params.chat];
    assertCanForward(target, chats.length);
    const recipients: string[] = [];
    for (const chat of chats) recipients.push(await this.recipient(context, chat));
    const forwards: SentMessage[] = [];
    for (const chat of recipients) forwards.push(await this.send(context, { type: 'forward', chat, target }));
    return { ...base('forwardMessage', firstOf(forwards)), target: toRef(target), forwards: forwards.map(toRef) };
  }

  private async editMessage(context: SendContext, params: ActionParams['editMessage']): Promise<ActionResults['editMessage']> {
    const [target] = await this.targets(context, params.message, params.chat, false);
    assertCanEdit(target, this.clock.now());
    await this.send(context, { type: 'edit', target, text: params.text });
    return {
      ...base('editMessage', target),
      text: params.text,
      editedAt: new Date(this.clock.now()).toISOString(),
    };
  }

  /**
   * Deletes a message, or every part of a saved multi-part send. A part already gone (deleted
   * earlier, or by a first attempt that failed halfway) is reported, not an error, so the rest
   * can still be deleted; only when nothing remains is the message MESSAGE_NOT_FOUND.
   */
  private async deleteMessage(context: SendContext, params: ActionParams['deleteMessage']): Promise<ActionResults['deleteMessage']> {
    const found: DeletePart[] = [];
    for (const ref of refsOf(params.message, params.chat, true)) found.push({ ref, record: await this.find(context, ref) });
    const result = await this.deleteParts(context, params, found);
    if (found.length > 1) return result;
    // One message: the answer is the message's, as before multi-part deletes reported their parts.
    const { parts: _one, ...single } = result;
    return single;
  }

  private async deleteParts(context: SendContext, params: ActionParams['deleteMessage'], parts: DeletePart[]): Promise<ActionResults['deleteMessage']> {
    const gone = (record: MessageRecord | undefined) => record === undefined || (params.forEveryone && record.deletedForEveryone);
    const remaining = parts.flatMap(({ record }) => (record === undefined || gone(record) ? [] : [record]));
    const first = remaining[0] ?? parts[0]?.record;
    if (first === undefined) throw notFound(parts[0]?.ref ?? { id: '' });
    const now = this.clock.now();
    for (const target of remaining.length > 0 ? remaining : [first]) assertCanDelete(target, params.forEveryone, now);
    for (const target of remaining) await this.send(context, { type: 'delete', target, forEveryone: params.forEveryone });
    return {
      ...base('deleteMessage', first),
      forEveryone: params.forEveryone,
      deletedAt: new Date(now).toISOString(),
      parts: parts.map(({ ref, record }) => ({ chat: record?.chat ?? ref.chat ?? first.chat, id: ref.id, fromMe: record?.fromMe ?? true, outcome: gone(record) ? 'already-gone' : 'deleted' })),
    };
  }

  /** Normalises a chat and, for a phone number, checks that it has a WhatsApp account. */
  private async recipient(context: SendContext, input: string): Promise<string> {
    const chat = normalizeChat(input);
    if (chat.kind === 'user') {
      const known = await this.engine.checkNumbers(context.sessionId, [chat.jid]);
      if (known.get(chat.jid) !== true) {
        throw new ConnectorError('NOT_ON_WHATSAPP', `${input} has no WhatsApp account`, { chat: chat.jid });
      }
    }
    return chat.jid;
  }

  /**
   * The messages an action applies to. A saved send result may stand for several WhatsApp messages
   * (a text and its attachments): deleting it deletes them all; other actions act on its first.
   */
  private async targets(context: SendContext, message: ActionParams['editMessage']['message'], chatInput: string | undefined, allParts: boolean): Promise<[MessageRecord, ...MessageRecord[]]> {
    const records: MessageRecord[] = [];
    for (const ref of refsOf(message, chatInput, allParts)) {
      const record = await this.find(context, ref);
      if (!record) throw notFound(ref);
      records.push(record);
    }
    return records as [MessageRecord, ...MessageRecord[]];
  }

  private find(context: SendContext, ref: PartRef): Promise<MessageRecord | undefined> {
    const chat = ref.chat === undefined ? undefined : normalizeChat(ref.chat).jid;
    return this.engine.findMessage(context.sessionId, chat === undefined ? { id: ref.id } : { id: ref.id, chat });
  }

  private async send(context: SendContext, message: OutgoingMessage): Promise<SentMessage> {
    throwIfAborted(context.signal);
    const messageId = deriveMessageId(context.sessionId, context.key, context.part++);
    return this.engine.send(context.sessionId, message, { messageId, ...(context.signal ? { signal: context.signal } : {}) });
  }
}

interface DeletePart {
  ref: PartRef;
  record: MessageRecord | undefined;
}

interface SendContext {
  sessionId: string;
  key: string;
  signal: AbortSignal | undefined;
  /** Counts the WhatsApp messages of one action, so each gets its own stable id. */
  part: number;
}

function base<A extends ActionName>(action: A, message: SentMessage | MessageRecord) {
  return {
    action,
    id: message.id,
    chat: message.chat,
    fromMe: message.fromMe,
    timestamp: new Date(message.timestamp).toISOString(),
    status: message.status,
  };
}

function toRef(message: MessageRef): MessageRef {
  return { chat: message.chat, id: message.id, fromMe: message.fromMe };
}

function firstOf<T>(items: T[]): T {
  const [first] = items;
  if (first === undefined) throw new ConnectorError('INTERNAL', 'An action sent nothing');
  return first;
}
