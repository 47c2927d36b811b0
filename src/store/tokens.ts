import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Database, TokensTable } from './schema.js';

/** A token as stored: its hash stays inside the store. Times in ms since the epoch, `null` when not yet. */
export interface TokenRecord {
  id: string;
  sessionId: string;
  createdAt: number;
  /** Set once the token was revoked; a revoked token authorises nothing. */
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/**
 * Tokens, kept only as hashes. Hashing the secret and comparing in constant time are the
 * service's job; the store keeps hashes and finds a token by one.
 *
 * @example const { id } = await store.tokens.create(sessionId, sha256(secret));
 */
export class TokenRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Stores a new token's hash; a hash already stored is refused by the database. */
  async create(sessionId: string, hash: string): Promise<{ id: string }> {
    const id = randomUUID();
    await this.db
      .insertInto('tokens')
      .values({ id, session_id: sessionId, hash, created_at: this.clock.now(), revoked_at: null, last_used_at: null })
      .execute();
    return { id };
  }

  /** The token with this hash, revoked or not (the caller tells "revoked" from "unknown"). */
  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toToken(row);
  }

  /** Revokes one token (keeping the first revocation time). Returns false when there is no such token. */
  async revoke(tokenId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('tokens')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(this.clock.now())) }))
      .where('id', '=', tokenId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Revokes every token of a session still in force; returns how many that was. */
  async revokeAllForSession(sessionId: string): Promise<number> {
    const result = await this.db
      .updateTable('tokens')
      .set({ revoked_at: this.clock.now() })
      .where('session_id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Remembers when the token was last used (`at` from the caller's clock). */
  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  /** Oldest first, revoked ones included. */
  async listForSession(sessionId: string): Promise<TokenRecord[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toToken);
  }
}

function toToken(row: Selectable<TokensTable>): TokenRecord {
  return { id: row.id, sessionId: row.session_id, createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at };
}
