import type { Kysely, Selectable } from 'kysely';
import type { IdempotencyRecord } from '../actions/idempotency.js';
import type { ActionName, ActionParams } from '../domain/actions.js';
import type { Clock } from '../domain/clock.js';
import type { ClaimOutcome, Outbox, OutboxEntry, OutboxFailure, OutboxRow, OutboxState } from '../queue/outbox.js';
import type { BatchWriter } from './batch-writer.js';
import type { Dialect } from './database-url.js';
import { GroupCommit } from './group-commit.js';
import type { StoreIdempotency } from './idempotency.js';
import type { MessageRepository } from './messages.js';
import type { Database, OutboxTable } from './schema.js';

/**
 * The outbox in the service's database: accepted actions survive a crash, and the primary key
 * on (session, key) is the one claim every node's requests race for.
 *
 * @example const outcome = await store.outbox.claim(entry); if (!outcome.claimed) … // another request has it
 */
export class StoreOutbox implements Outbox {
  /** SQLite: claims made together are written together, by the store's writer (see `claim`). */
  private readonly claims: GroupCommit<OutboxEntry>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly writer: BatchWriter,
    private readonly results: StoreIdempotency,
    private readonly messages: MessageRepository,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.claims = new GroupCommit((entries) => this.writer.write([this.db.insertInto('outbox').values(entries.map(toRow)).compile()]));
  }

  /** Also applies what an edit or a deletion changed to the messages it names. */
  async complete(sessionId: string, key: string, record: IdempotencyRecord): Promise<void> {
    // The idempotency store's batch deletes the entry in the transaction that records the result.
    await this.results.put(sessionId, key, record);
    const { result } = record;
    if (result.action === 'editMessage') await this.messages.updateText(sessionId, result.id, result.text);
    if (result.action === 'deleteMessage' && result.forEveryone) {
      const deleted = result.parts ? result.parts.filter((part) => part.outcome === 'deleted').map((part) => part.id) : [result.id];
      for (const id of deleted) await this.messages.markDeleted(sessionId, id);
    }
  }

  async claim(entry: OutboxEntry): Promise<ClaimOutcome> {
    if (this.dialect === 'sqlite') {
      // One process owns a SQLite file, and its queue lets one request at a time claim a key: a
      // read tells whether the key is taken (an entry left by an earlier run), and the insert joins
      // the writer's next transaction instead of blocking the event loop on the file's lock.
      const existing = await this.get(entry.sessionId, entry.key);
      if (existing) return { claimed: false, existing };
      await this.claims.add(entry);
      return { claimed: true };
    }
    const inserted = await this.db
      .insertInto('outbox')
      .values(toRow(entry))
      .onConflict((oc) => oc.columns(['session_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return { claimed: true };
    const existing = await this.get(entry.sessionId, entry.key);
    // Gone between the two statements: its result was just recorded, which the caller reads next.
    return existing ? { claimed: false, existing } : this.claim(entry);
  }

  async retake(entry: OutboxEntry): Promise<boolean> {
    const { session_id, key, ...fresh } = toRow(entry);
    const taken = await this.db.updateTable('outbox').set(fresh).where('session_id', '=', session_id).where('key', '=', key).where('state', '=', 'failed').executeTakeFirst();
    return taken.numUpdatedRows > 0n;
  }

  async fail(sessionId: string, key: string, failure: OutboxFailure): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ state: 'failed', error: JSON.stringify(failure), updated_at: this.clock.now() })
      .where('session_id', '=', sessionId)
      .where('key', '=', key)
      .execute();
  }

  async amend(sessionId: string, key: string, params: OutboxEntry['params']): Promise<boolean> {
    return this.updateQueued(sessionId, key, { params: JSON.stringify(params) });
  }

  async withdraw(sessionId: string, key: string, failure: OutboxFailure): Promise<boolean> {
    return this.updateQueued(sessionId, key, { state: 'failed', error: JSON.stringify(failure) });
  }

  /** Changes an entry only while it is `queued`: the row decides, also against another node. */
  private async updateQueued(sessionId: string, key: string, change: { params?: string; state?: OutboxState; error?: string }): Promise<boolean> {
    const updated = await this.db
      .updateTable('outbox')
      .set({ ...change, updated_at: this.clock.now() })
      .where('session_id', '=', sessionId)
      .where('key', '=', key)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  async get(sessionId: string, key: string): Promise<OutboxRow | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('session_id', '=', sessionId).where('key', '=', key).executeTakeFirst();
    return row && fromRow(row);
  }

  async byMessage(sessionId: string, messageId: string): Promise<OutboxRow | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('session_id', '=', sessionId).where('message_id', '=', messageId).executeTakeFirst();
    return row && fromRow(row);
  }

  async queued(sessionIds?: readonly string[]): Promise<OutboxRow[]> {
    if (sessionIds?.length === 0) return [];
    let query = this.db.selectFrom('outbox').selectAll().where('state', '=', 'queued');
    if (sessionIds) query = query.where('session_id', 'in', sessionIds);
    const rows = await query.orderBy('session_id').orderBy('seq').execute();
    return rows.map(fromRow);
  }
}

function toRow(entry: OutboxEntry): Selectable<OutboxTable> {
  return {
    session_id: entry.sessionId,
    key: entry.key,
    seq: entry.seq,
    request_hash: entry.requestHash,
    action: entry.action,
    params: JSON.stringify(entry.params),
    message_id: entry.messageId,
    chat: entry.chat ?? null,
    state: 'queued',
    respond_async: entry.respondAsync ? 1 : 0,
    deadline: entry.deadline ?? null,
    error: null,
    accepted_at: entry.acceptedAt,
    updated_at: entry.acceptedAt,
  };
}

function fromRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    sessionId: row.session_id,
    key: row.key,
    seq: row.seq,
    requestHash: row.request_hash,
    action: row.action as ActionName,
    params: JSON.parse(row.params) as ActionParams[ActionName],
    messageId: row.message_id,
    ...(row.chat !== null ? { chat: row.chat } : {}),
    respondAsync: row.respond_async === 1,
    ...(row.deadline !== null ? { deadline: Number(row.deadline) } : {}),
    acceptedAt: Number(row.accepted_at),
    state: row.state as OutboxState,
    ...(row.error !== null ? { error: JSON.parse(row.error) as OutboxFailure } : {}),
    updatedAt: Number(row.updated_at),
  };
}
