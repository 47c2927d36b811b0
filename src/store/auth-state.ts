import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Database } from './schema.js';

/**
 * Rows (or names) per statement: SQLite binds at most 32 766 parameters per statement and
 * PostgreSQL 65 535; 500 rows of four columns stay well below both.
 */
const batchSize = 500;

/**
 * An engine's credentials, one named entry per key (Baileys keeps `creds`, pre-keys, sessions,
 * sender keys …). Values arrive already encrypted by the caller; the store never sees them in clear.
 *
 * @example await store.authState.set(sessionId, { creds: sealed, 'pre-key-7': null });
 */
export class AuthStateRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async get(sessionId: string, name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('auth_state')
      .select('value')
      .where('session_id', '=', sessionId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  /** The entries that exist among `names`; missing ones are absent from the result. */
  async getMany(sessionId: string, names: readonly string[]): Promise<Record<string, string>> {
    const found: [string, string][] = [];
    for (let start = 0; start < names.length; start += batchSize) {
      const rows = await this.db
        .selectFrom('auth_state')
        .select(['name', 'value'])
        .where('session_id', '=', sessionId)
        .where('name', 'in', names.slice(start, start + batchSize))
        .execute();
      for (const row of rows) found.push([row.name, row.value]);
    }
    // fromEntries defines own properties, so even a name like "__proto__" stays plain data.
    return Object.fromEntries(found);
  }

  /** Every entry of the session, for an engine loading its credentials at start. */
  async getAll(sessionId: string): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('auth_state').select(['name', 'value']).where('session_id', '=', sessionId).execute();
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  /**
   * Writes every entry or none, in one transaction: a crash or a refused entry never leaves a
   * half-saved key set (which would break the device's encryption sessions). `null` removes.
   */
  async set(sessionId: string, entries: Readonly<Record<string, string | null>>): Promise<void> {
    const now = this.clock.now();
    const removed: string[] = [];
    const written: { session_id: string; name: string; value: string; updated_at: number }[] = [];
    for (const [name, value] of Object.entries(entries)) {
      if (value === null) removed.push(name);
      else written.push({ session_id: sessionId, name, value, updated_at: now });
    }
    if (removed.length === 0 && written.length === 0) return;

    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < removed.length; start += batchSize) {
        await trx
          .deleteFrom('auth_state')
          .where('session_id', '=', sessionId)
          .where('name', 'in', removed.slice(start, start + batchSize))
          .execute();
      }
      for (let start = 0; start < written.length; start += batchSize) {
        await trx
          .insertInto('auth_state')
          .values(written.slice(start, start + batchSize))
          .onConflict((oc) =>
            oc.columns(['session_id', 'name']).doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  /** Forgets the session's credentials (after a logout). */
  async clear(sessionId: string): Promise<void> {
    await this.db.deleteFrom('auth_state').where('session_id', '=', sessionId).execute();
  }
}
