import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../domain/clock.js';
import { assertStorableText } from '../domain/text.js';
import type { SessionState, WhatsAppEngine } from '../engines/engine.js';
import type { Database, SessionsTable } from './schema.js';

/** The engine a session belongs to. */
export type EngineKind = WhatsAppEngine['kind'];

/** What the service remembers of a session's state: the engine's, or `failed` when it could not be started. */
export type StoredSessionState = SessionState | 'failed';

/**
 * A linked (or linking) WhatsApp account as the service remembers it. Times in ms since the epoch;
 * what is not known yet is `null`.
 */
export interface SessionRecord {
  id: string;
  state: StoredSessionState;
  /** The account's JID, once linked. */
  jid: string | null;
  label: string | null;
  /** The engine that linked it; null for an older session no engine has claimed yet. */
  engine: EngineKind | null;
  /** Why it could not be started, while `state` is `failed`. */
  failure: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the phone first linked the session. */
  linkedAt: number | null;
  lastSeenAt: number | null;
}

/**
 * Sessions and their state.
 *
 * @example const session = await store.sessions.create(randomUUID(), 'Front desk', 'baileys'); // state 'linking'
 */
export class SessionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /**
   * Starts a session in `linking`, owned by `engine`. An id already in use is refused by the
   * database; a label no database can keep as given is VALIDATION_ERROR.
   */
  async create(id: string, label?: string | null, engine: EngineKind | null = null): Promise<SessionRecord> {
    assertStorableText('label', label);
    const now = this.clock.now();
    const row = { id, state: 'linking', jid: null, label: label ?? null, engine, failure: null, created_at: now, updated_at: now, linked_at: null, last_seen_at: null };
    await this.db.insertInto('sessions').values(row).execute();
    return toSession(row);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  /** Oldest first. */
  async list(): Promise<SessionRecord[]> {
    const rows = await this.db.selectFrom('sessions').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toSession);
  }

  /**
   * Records a state change (clearing a start failure); the first `connected` also stamps
   * `linkedAt`. Returns false when there is no such session.
   */
  async updateState(id: string, state: SessionState, changes: { jid?: string } = {}): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.db
      .updateTable('sessions')
      .set((eb) => ({
        state,
        failure: null,
        updated_at: now,
        ...(changes.jid === undefined ? {} : { jid: changes.jid }),
        ...(state === 'connected' ? { linked_at: eb.fn.coalesce('linked_at', eb.val(now)) } : {}),
      }))
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Marks a session that could not be started, with the reason an operator reads. */
  async markFailed(id: string, reason: string): Promise<void> {
    await this.db.updateTable('sessions').set({ state: 'failed', failure: reason, updated_at: this.clock.now() }).where('id', '=', id).execute();
  }

  /** Gives a session of unknown engine to `engine`; one already owned keeps its owner. Returns its owner now. */
  async claim(id: string, engine: EngineKind): Promise<EngineKind | undefined> {
    await this.db.updateTable('sessions').set({ engine }).where('id', '=', id).where('engine', 'is', null).execute();
    return (await this.get(id))?.engine ?? undefined;
  }

  /** Remembers when the session was last seen online (`at` from the caller's clock). */
  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  /**
   * Forgets the session and everything kept for it (credentials, tokens, sent messages,
   * idempotency records) in one transaction; the action log stays as history.
   * Returns false when there was no such session.
   */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      for (const table of ['auth_state', 'tokens', 'messages', 'engine_messages', 'idempotency'] as const) {
        await trx.deleteFrom(table).where('session_id', '=', id).execute();
      }
      const result = await trx.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    state: row.state as StoredSessionState,
    jid: row.jid,
    label: row.label,
    engine: row.engine as EngineKind | null,
    failure: row.failure,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    linkedAt: row.linked_at,
    lastSeenAt: row.last_seen_at,
  };
}
