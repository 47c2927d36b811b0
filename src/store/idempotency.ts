import type { Kysely } from 'kysely';
import type { IdempotencyRecord, IdempotencyStore } from '../actions/idempotency.js';
import type { Clock } from '../domain/clock.js';
import { sentMessages, type ActionResult } from '../domain/result.js';
import type { Database } from './schema.js';

/**
 * Finished actions remembered in the database, so a retried task gets the first result even
 * after a restart or from another node.
 *
 * @example const runner = new ActionRunner({ engine, idempotency: store.idempotency });
 */
export class StoreIdempotency implements IdempotencyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async get(sessionId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.db
      .selectFrom('idempotency')
      .select(['request_hash', 'result'])
      .where('session_id', '=', sessionId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row && { requestHash: row.request_hash, result: JSON.parse(row.result) as ActionResult };
  }

  /**
   * Records a finished action: its key and result, and the messages it sent (for
   * `GET /v1/messages/{id}`, receipts and later actions), in one transaction. Keeps the first
   * record under a key: a second put (a racing retry) is ignored, not an error.
   */
  async put(sessionId: string, key: string, record: IdempotencyRecord): Promise<void> {
    const now = this.clock.now();
    const result = JSON.stringify(record.result);
    const messages = sentMessages(record.result).map(({ ref, kind, text }) => ({
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
      result,
      updated_at: now,
    }));
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('idempotency')
        .values({ session_id: sessionId, key, request_hash: record.requestHash, result, created_at: now })
        .onConflict((oc) => oc.columns(['session_id', 'key']).doNothing())
        .execute();
      if (messages.length > 0) {
        await trx.insertInto('messages').values(messages).onConflict((oc) => oc.columns(['session_id', 'id']).doNothing()).execute();
      }
    });
  }
}
