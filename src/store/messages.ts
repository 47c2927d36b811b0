import type { Kysely, Selectable } from 'kysely';
import type { ActionName } from '../domain/actions.js';
import type { Clock } from '../domain/clock.js';
import { laterStatus } from '../domain/message.js';
import { assertStorableText } from '../domain/text.js';
import type { MessageKind, MessageRecord, MessageStatus } from '../domain/message.js';
import type { ActionResult } from '../domain/result.js';
import type { Database, MessagesTable } from './schema.js';

/** What the service adds to a message it sent for an action. */
export interface MessageOrigin {
  action?: ActionName;
  idempotencyKey?: string;
  result?: ActionResult;
}

export type MessageToSave = MessageRecord & MessageOrigin;

export interface StoredMessage extends MessageRecord, MessageOrigin {
  /** When the store last changed the record (ms since the epoch). */
  updatedAt: number;
}

const allStatuses = Object.keys({ pending: true, sent: true, delivered: true, read: true } satisfies Record<MessageStatus, true>) as MessageStatus[];

/**
 * Sent (and received) messages with their last known status and, for sent ones, the action
 * result — so `GET /v1/messages/{id}` answers after a restart and later actions find their target.
 *
 * @example await store.messages.save(sessionId, { ...sent, kind: 'text', forwardingScore: 0, deletedForEveryone: false, action: 'sendMessage', result });
 */
export class MessageRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /**
   * Inserts or updates a message. Some facts only ever move one way, whatever order the writes
   * come in: the status only moves forward, a deletion for everyone stays, and an action, key or
   * result once saved is kept when a later save omits it.
   */
  async save(sessionId: string, message: MessageToSave): Promise<void> {
    assertStorableText('text', message.text);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('messages')
        .values({
          session_id: sessionId,
          id: message.id,
          chat: message.chat,
          from_me: message.fromMe ? 1 : 0,
          kind: message.kind,
          timestamp: message.timestamp,
          status: message.status,
          text: message.text ?? null,
          forwarding_score: message.forwardingScore,
          deleted_for_everyone: message.deletedForEveryone ? 1 : 0,
          action: message.action ?? null,
          idempotency_key: message.idempotencyKey ?? null,
          result: message.result === undefined ? null : JSON.stringify(message.result),
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['session_id', 'id']).doUpdateSet((eb) => ({
            chat: eb.ref('excluded.chat'),
            from_me: eb.ref('excluded.from_me'),
            kind: eb.ref('excluded.kind'),
            timestamp: eb.ref('excluded.timestamp'),
            text: eb.ref('excluded.text'),
            forwarding_score: eb.ref('excluded.forwarding_score'),
            deleted_for_everyone: eb
              .case()
              .when('messages.deleted_for_everyone', '=', 1)
              .then(1)
              .else(eb.ref('excluded.deleted_for_everyone'))
              .end(),
            action: eb.fn.coalesce('excluded.action', 'messages.action'),
            idempotency_key: eb.fn.coalesce('excluded.idempotency_key', 'messages.idempotency_key'),
            result: eb.fn.coalesce('excluded.result', 'messages.result'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      await advanceStatus(trx, sessionId, message.id, message.status, now);
    });
  }

  async get(sessionId: string, id: string): Promise<StoredMessage | undefined> {
    return this.find(sessionId, { id });
  }

  /** The message with this id, in `chat` when given (the shape `WhatsAppEngine.findMessage` takes). */
  async find(sessionId: string, ref: { id: string; chat?: string }): Promise<StoredMessage | undefined> {
    let query = this.db.selectFrom('messages').selectAll().where('session_id', '=', sessionId).where('id', '=', ref.id);
    if (ref.chat !== undefined) query = query.where('chat', '=', ref.chat);
    const row = await query.executeTakeFirst();
    return row && toMessage(row);
  }

  /**
   * Applies a receipt. Receipts arrive out of order, so the status only moves forward (a late
   * `delivered` after `read` changes nothing). Returns the status now stored, or undefined when
   * there is no such message.
   */
  async updateStatus(sessionId: string, id: string, status: MessageStatus): Promise<MessageStatus | undefined> {
    await advanceStatus(this.db, sessionId, id, status, this.clock.now());
    const row = await this.db
      .selectFrom('messages')
      .select('status')
      .where('session_id', '=', sessionId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.status as MessageStatus | undefined;
  }

  /** Records an edit: the new text, or caption of a media message. Returns false when there is no such message. */
  async updateText(sessionId: string, id: string, text: string): Promise<boolean> {
    assertStorableText('text', text);
    const result = await this.db
      .updateTable('messages')
      .set({ text, updated_at: this.clock.now() })
      .where('session_id', '=', sessionId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records a deletion for everyone. Returns false when there is no such message. */
  async markDeleted(sessionId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('messages')
      .set({ deleted_for_everyone: 1, updated_at: this.clock.now() })
      .where('session_id', '=', sessionId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

/**
 * Moves the status forward in one conditional UPDATE, so two receipts racing on separate
 * connections cannot undo each other the way a read-then-write would.
 */
async function advanceStatus(db: Kysely<Database>, sessionId: string, id: string, status: MessageStatus, now: number): Promise<void> {
  const earlier = allStatuses.filter((current) => current !== status && laterStatus(current, status) === status);
  if (earlier.length === 0) return;
  await db
    .updateTable('messages')
    .set({ status, updated_at: now })
    .where('session_id', '=', sessionId)
    .where('id', '=', id)
    .where('status', 'in', earlier)
    .execute();
}

function toMessage(row: Selectable<MessagesTable>): StoredMessage {
  const message: StoredMessage = {
    chat: row.chat,
    id: row.id,
    fromMe: row.from_me === 1,
    kind: row.kind as MessageKind,
    timestamp: row.timestamp,
    status: row.status as MessageStatus,
    forwardingScore: row.forwarding_score,
    deletedForEveryone: row.deleted_for_everyone === 1,
    updatedAt: row.updated_at,
  };
  if (row.text !== null) message.text = row.text;
  if (row.action !== null) message.action = row.action as ActionName;
  if (row.idempotency_key !== null) message.idempotencyKey = row.idempotency_key;
  if (row.result !== null) message.result = JSON.parse(row.result) as ActionResult;
  return message;
}
