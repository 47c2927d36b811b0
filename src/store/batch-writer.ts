import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs the store's bulk writes (finished actions, the action log): a list of compiled statements
 * as one transaction, all or nothing. Built with Kysely on the caller's side, so the statements
 * are the dialect's own.
 */
export interface BatchWriter {
  write(statements: readonly CompiledQuery[]): Promise<void>;
  /** Rejects when the writer can no longer write (for `GET /ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes through the store's own connection: PostgreSQL, whose driver already waits off the event
 * loop, and SQLite in memory, which no second connection can open.
 */
export class InlineBatchWriter implements BatchWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async write(statements: readonly CompiledQuery[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const statement of statements) await trx.executeQuery(statement);
    });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
