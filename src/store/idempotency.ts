import { CompiledQuery, type Kysely } from 'kysely';
import type { IdempotencyRecord, IdempotencyStore } from '../actions/idempotency.js';
import type { Clock } from '../domain/clock.js';
import { assertStorableText } from '../domain/text.js';
import { sentMessages, type ActionResult } from '../domain/result.js';
import type { BatchWriter } from './batch-writer.js';
import { chunks } from './chunks.js';
import { GroupCommit } from './group-commit.js';
import type { Database } from './schema.js';

/**
 * Finished actions remembered in the database, so a retried task gets the first result even
 * after a restart or from another node.
 *
 * @example const runner = new ActionRunner({ engine, idempotency: store.idempotency });
 */
export class StoreIdempotency implements IdempotencyStore {
  private readonly commits = new GroupCommit<PendingPut>((puts) => this.write(puts));
  /**
   * Every action asks this once: the query is built and compiled once, then run with each call's
   * values (Kysely would otherwise rebuild it, which costs more than SQLite takes to answer it).
   */
  private readonly lookup: CompiledQuery;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: BatchWriter,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.lookup = db.selectFrom('idempotency').select(['request_hash', 'result']).where('session_id', '=', '').where('key', '=', '').compile();
  }

  async get(sessionId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.db.executeQuery(CompiledQuery.raw(this.lookup.sql, [sessionId, key]) as CompiledQuery<{ request_hash: string; result: string }>);
    const row = rows[0];
    return row && { requestHash: row.request_hash, result: JSON.parse(row.result) as ActionResult };
  }

  /**
   * Records a finished action: its key and result, and the messages it sent (for
   * `GET /v1/messages/{id}`, receipts and later actions), committed before it resolves. Puts made
   * together share one transaction (see `GroupCommit`). Keeps the first record under a key: a
   * second put (a racing retry) is ignored, not an error. A message text no database can keep
   * as given is VALIDATION_ERROR before it joins a batch.
   */
  async put(sessionId: string, key: string, record: IdempotencyRecord): Promise<void> {
    for (const { text } of sentMessages(record.result)) assertStorableText('text', text);
    return this.commits.add({ sessionId, key, record, at: this.clock.now() });
  }

  private async write(puts: PendingPut[]): Promise<void> {
    const keys = puts.map(({ sessionId, key, record, at }) => ({
      session_id: sessionId,
      key,
      request_hash: record.requestHash,
      result: JSON.stringify(record.result),
      created_at: at,
    }));
    const messages = puts.flatMap(({ sessionId, key, record, at }, index) =>
      sentMessages(record.result).map(({ ref, kind, text }) => ({
        session_id: sessionId,
        id: ref.id,
        chat: ref.chat,
        from_me: ref.fromMe ? 1 : 0,
        kind,
        timestamp: Date.parse(record.result.timestamp),
        status: record.result.status,
        text: text ?? null,
        forwarding_score: 0,
        deleted_for_everyone: 0,
        action: record.result.action,
        idempotency_key: key,
        result: keys[index]?.result ?? null,
        updated_at: at,
      })),
    );
    // A recorded result ends the action's outbox entry (see `StoreOutbox`), in the same transaction.
    const done = puts.map(({ sessionId, key }) => this.db.deleteFrom('outbox').where('session_id', '=', sessionId).where('key', '=', key).compile());
    await this.writer.write([
      this.db.insertInto('idempotency').values(keys).onConflict((oc) => oc.columns(['session_id', 'key']).doNothing()).compile(),
      ...done,
      ...chunks(messages).map((chunk) => this.db.insertInto('messages').values(chunk).onConflict((oc) => oc.columns(['session_id', 'id']).doNothing()).compile()),
    ]);
  }
}

interface PendingPut {
  sessionId: string;
  key: string;
  record: IdempotencyRecord;
  at: number;
}
