import type { Kysely } from 'kysely';
import type { IdempotencyRecord, IdempotencyStore } from '../actions/idempotency.js';
import type { Clock } from '../domain/clock.js';
import type { ActionResult } from '../domain/result.js';
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

  /** Keeps the first record under a key: a second put (a racing retry) is ignored, not an error. */
  async put(sessionId: string, key: string, record: IdempotencyRecord): Promise<void> {
    await this.db
      .insertInto('idempotency')
      .values({
        session_id: sessionId,
        key,
        request_hash: record.requestHash,
        result: JSON.stringify(record.result),
        created_at: this.clock.now(),
      })
      .onConflict((oc) => oc.columns(['session_id', 'key']).doNothing())
      .execute();
  }
}
