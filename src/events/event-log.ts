import { messageSendingActions } from '../domain/actions.js';
import type { Clock } from '../domain/clock.js';
import type { EngineEvent } from '../engines/engine.js';
import { newId } from '../service/secrets.js';
import type { EventRepository, StoredEvent, WebhookRow } from '../store/events.js';
import { EngineEventMapper, type EventDraft } from './from-engine.js';
import type { ConnectorEvent } from './schemas.js';
import type { ConnectorError } from '../domain/errors.js';
import type { MessageRef } from '../domain/message.js';
import type { ActionResult } from '../domain/result.js';
import type { OutboxEntry } from '../queue/outbox.js';

export type EventListener = (stored: StoredEvent) => void;

/**
 * Where every event a session produces is recorded, with a delivery to each webhook that wants it,
 * before anyone hears of it: the event stream and the webhook worker read what was recorded.
 * Events are written one after another, in the order the engine reported them, so a chat's events
 * keep their order in the stream and at every webhook.
 *
 * @example engine.subscribe((event) => log.record(event)); log.subscribe((stored) => stream.send(stored));
 */
export class EventLog {
  private readonly mapper = new EngineEventMapper();
  private readonly listeners = new Set<EventListener>();
  private webhookList: Promise<WebhookRow[]> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: EventRepository,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly onError: (error: unknown, event: EventDraft) => void,
  ) {}

  /** Records what the engine event means to subscribers, if anything. */
  record(engineEvent: EngineEvent): void {
    const draft = this.mapper.map(engineEvent);
    if (draft) this.enqueue(draft);
  }

  private enqueue(draft: EventDraft): void {
    this.writing = this.writing.then(() => this.write(draft)).catch((error: unknown) => this.onError(error, draft));
  }

  /**
   * A send performed by this node ended: each message it produced is `sent`, or its first is
   * `failed` with the error's code (a stop is no failure: the send waits for the next start).
   */
  recordSettled(entry: OutboxEntry, outcome: { result: ActionResult } | { error: ConnectorError }): void {
    if (!messageSendingActions.has(entry.action)) return;
    const drafts: EventDraft[] = [];
    if ('result' in outcome) {
      const { result } = outcome;
      const refs: MessageRef[] = result.action === 'sendMessage' ? result.parts : result.action === 'forwardMessage' ? result.forwards : [result];
      for (const ref of refs.length > 0 ? refs : [result]) drafts.push({ type: 'message.status', sessionId: entry.sessionId, chat: ref.chat, data: { message: { chat: ref.chat, id: ref.id, fromMe: true }, status: 'sent' } });
    } else if (outcome.error.code !== 'SHUTTING_DOWN') {
      const chat = entry.chat ?? '';
      const { code, message } = outcome.error;
      drafts.push({ type: 'message.status', sessionId: entry.sessionId, chat, data: { message: { chat, id: entry.messageId, fromMe: true }, status: 'failed', error: { code, message } } });
    }
    for (const draft of drafts) this.enqueue(draft);
  }

  /** Hears every event once it is recorded. Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The webhooks changed: read them again before the next event. */
  webhooksChanged(): void {
    this.webhookList = undefined;
  }

  /** A session's recorded events after `seq`, a page at a time (the stream's backlog). */
  backlog(sessionId: string, seq: number): Promise<StoredEvent[]> {
    return this.repository.after(sessionId, seq);
  }

  /** Where a stream that asks for no earlier events starts: after the newest recorded. */
  latest(): Promise<number> {
    return this.repository.latestSeq();
  }

  /** Resolves once every event reported so far is recorded. */
  idle(): Promise<void> {
    return this.writing;
  }

  private async write(draft: EventDraft): Promise<void> {
    const timestamp = new Date(this.clock.now()).toISOString();
    const { chat, ...rest } = draft;
    const event = {
      id: newId('evt'),
      timestamp,
      ...rest,
      ...(rest.type === 'message.status' ? { data: { ...rest.data, timestamp } } : {}),
    } as ConnectorEvent;
    const wanted = (await this.webhooks()).filter((hook) => (hook.sessionId === null || hook.sessionId === event.sessionId) && (hook.events.includes('*') || hook.events.includes(event.type)));
    const stored = await this.repository.record(event, chat, wanted.map((hook) => hook.id), () => newId('dlv'));
    for (const listener of this.listeners) listener(stored);
  }

  private webhooks(): Promise<WebhookRow[]> {
    this.webhookList ??= this.repository.webhooks().catch((error: unknown) => {
      this.webhookList = undefined;
      throw error;
    });
    return this.webhookList;
  }
}
