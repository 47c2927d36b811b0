import type { Kysely } from 'kysely';
import type { ActionName } from '../domain/actions.js';
import type { ErrorCode } from '../domain/errors.js';
import type { BatchWriter } from './batch-writer.js';
import { chunks } from './chunks.js';
import { timeOrderedId } from './time-ordered-id.js';
import type { Database } from './schema.js';

/** How an action ended: `completed`, or the error code it failed with (`TIMEOUT` included). */
/** `accepted`: answered at once (`Prefer: respond-async`); the send follows. */
export type ActionOutcome = 'completed' | 'accepted' | ErrorCode;

export interface ActionLogEntry {
  sessionId: string;
  action: ActionName;
  idempotencyKey?: string | null;
  outcome: ActionOutcome;
  durationMs: number;
  /** When the action finished (ms since the epoch, from the caller's clock). */
  at: number;
}

export interface LoggedAction extends ActionLogEntry {
  id: string;
  idempotencyKey: string | null;
}

/**
 * Every action performed for a session and how it ended: what an operator reads when asked
 * "did the reminder go out?".
 *
 * @example await store.actionLog.append({ sessionId, action: 'sendMessage', outcome: 'completed', durationMs: 812, at: clock.now() });
 */
export class ActionLogRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: BatchWriter,
  ) {}

  async append(entry: ActionLogEntry): Promise<{ id: string }> {
    const [id] = await this.appendMany([entry]);
    return { id: id as string };
  }

  /** Several entries in one statement; returns their ids in order. */
  async appendMany(entries: readonly ActionLogEntry[]): Promise<string[]> {
    const rows = entries.map((entry) => ({
      id: timeOrderedId(entry.at),
      session_id: entry.sessionId,
      action: entry.action,
      idempotency_key: entry.idempotencyKey ?? null,
      outcome: entry.outcome,
      duration_ms: Math.round(entry.durationMs),
      created_at: entry.at,
    }));
    await this.writer.write(chunks(rows).map((chunk) => this.db.insertInto('action_log').values(chunk).compile()));
    return rows.map((row) => row.id);
  }

  /** Newest first; entries of the same millisecond come in no particular order. */
  async recent(sessionId: string, limit = 50): Promise<LoggedAction[]> {
    const rows = await this.db
      .selectFrom('action_log')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      action: row.action as ActionName,
      idempotencyKey: row.idempotency_key,
      outcome: row.outcome as ActionOutcome,
      durationMs: row.duration_ms,
      at: row.created_at,
    }));
  }
}
