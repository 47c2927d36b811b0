import { messageSendingActions, type ActionParams } from '../domain/actions.js';
import { normalizeChat } from '../domain/chat.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import type { ActionResult } from '../domain/result.js';
import { entryKey, type Outbox, type OutboxEntry, type OutboxRow } from './outbox.js';

/** What a change does to a message still waiting its turn: new params, or nothing sent at all. */
type Override = { params: OutboxEntry['params'] } | { withdrawn: true };

/**
 * Edits and deletions of messages that are still queued (accepted, not yet handed to WhatsApp):
 * an edit changes what will be sent, a deletion withdraws it, so nothing is sent and then changed.
 * The owner of the session decides, in its own event loop, against the sends it has started: a
 * change either lands before its message's send starts (the send reads it then, see `start`) or
 * finds the send started and is performed as usual, after it. The outbox row is changed in the
 * same step, so a restart or a new owner sends the changed message, or nothing.
 *
 * @example const done = await changes.tryChange(editEntry); // undefined: the message has left, edit it as usual
 */
export class QueuedChanges {
  private readonly started = new Set<string>();
  private readonly overrides = new Map<string, Override>();

  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Pick<Clock, 'now'>,
    /** A queued send was withdrawn: whoever waits for it may stop waiting. */
    private readonly onWithdrawn: (row: OutboxRow) => void = () => undefined,
  ) {}

  /**
   * Applies `change` (an editMessage or deleteMessage) to its target if that is a queued send of
   * this session that has not started: its result, recorded by the caller like any other; else undefined.
   */
  async tryChange(change: OutboxEntry): Promise<ActionResult | undefined> {
    if (change.action !== 'editMessage' && change.action !== 'deleteMessage') return undefined;
    const params = change.params as ActionParams['editMessage'] | ActionParams['deleteMessage'];
    const target = targetOf(params);
    if (!target) return undefined;
    const row = await this.outbox.byMessage(change.sessionId, target.id);
    if (!row || row.state !== 'queued' || !messageSendingActions.has(row.action)) return undefined;
    if (target.chat !== undefined && row.chat !== undefined && normalizeChat(target.chat).jid !== row.chat) return undefined;
    const id = entryKey(row.sessionId, row.key);
    if (this.started.has(id)) return undefined;
    if (change.action === 'editMessage') {
      // Only a text (or a caption) can be edited, as once it is sent.
      if (row.action !== 'sendMessage') return undefined;
      const text = (params as ActionParams['editMessage']).text;
      const edited = { ...row.params, text } as OutboxEntry['params'];
      // Set before the first await: a send that starts meanwhile sends the edited text.
      this.overrides.set(id, { params: edited });
      if (!(await this.outbox.amend(row.sessionId, row.key, edited))) return this.forget(id);
      return { action: 'editMessage', ...this.refOf(row), text, editedAt: new Date(this.clock.now()).toISOString() };
    }
    this.overrides.set(id, { withdrawn: true });
    const withdrawn = await this.outbox.withdraw(row.sessionId, row.key, {
      code: 'WITHDRAWN',
      message: `Deleted by request ${change.key} before it was sent`,
      details: { id: row.messageId },
    });
    if (!withdrawn) return this.forget(id);
    this.onWithdrawn(row);
    const { forEveryone } = params as ActionParams['deleteMessage'];
    return { action: 'deleteMessage', ...this.refOf(row), forEveryone, deletedAt: new Date(this.clock.now()).toISOString() };
  }

  /**
   * A send's turn has come: from now on changes wait for it to be sent. Answers the entry as it
   * is to be sent, or throws WITHDRAWN when a deletion came first.
   */
  start(entry: OutboxEntry): OutboxEntry {
    const id = entryKey(entry.sessionId, entry.key);
    const override = this.overrides.get(id);
    this.overrides.delete(id);
    if (override && 'withdrawn' in override) throw withdrawnError(entry);
    this.started.add(id);
    return override ? { ...entry, params: override.params } : entry;
  }

  /** The send's outcome is recorded (its result, or its failure): changes find it done from now on. */
  finish(entry: OutboxEntry): void {
    const id = entryKey(entry.sessionId, entry.key);
    this.started.delete(id);
    // A withdrawn send whose caller stopped waiting never reached `start`.
    this.overrides.delete(id);
  }

  private forget(id: string): undefined {
    this.overrides.delete(id);
    return undefined;
  }

  /** The queued message as a result describes it: not sent yet, so its status is `pending`. */
  private refOf(row: OutboxRow) {
    return { chat: row.chat ?? '', id: row.messageId, fromMe: true, timestamp: new Date(row.acceptedAt).toISOString(), status: 'pending' as const };
  }
}

/** What a waiting caller of a withdrawn send is told. */
export function withdrawnError(entry: Pick<OutboxEntry, 'messageId'>): ConnectorError {
  return new ConnectorError('WITHDRAWN', `Message ${entry.messageId} was deleted before it was sent; nothing was sent`, { id: entry.messageId });
}

function targetOf(params: ActionParams['editMessage'] | ActionParams['deleteMessage']): { id: string; chat?: string } | undefined {
  const { message } = params;
  if (typeof message === 'string') return { id: message, ...(params.chat ? { chat: params.chat } : {}) };
  const chat = message.chat ?? params.chat;
  return { id: message.id, ...(chat ? { chat } : {}) };
}
