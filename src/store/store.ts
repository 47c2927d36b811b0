import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import { ActionLogRepository } from './action-log.js';
import { AuthStateRepository } from './auth-state.js';
import { InlineBatchWriter, type BatchWriter } from './batch-writer.js';
import type { Dialect } from './database-url.js';
import { EngineMessageRepository } from './engine-messages.js';
import { EventRepository } from './events.js';
import { StoreIdempotency } from './idempotency.js';
import { StoreOutbox } from './outbox.js';
import { MessageRepository } from './messages.js';
import type { Database } from './schema.js';
import { SessionRepository } from './sessions.js';
import { SettingsRepository } from './settings.js';
import { TokenRepository } from './tokens.js';

/** Everything the service keeps, behind one object: the same API on SQLite and PostgreSQL. */
export interface Store {
  /** For queries no repository offers yet. */
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly sessions: SessionRepository;
  readonly authState: AuthStateRepository;
  readonly tokens: TokenRepository;
  readonly messages: MessageRepository;
  /** The Baileys engine's archive of messages it sent or received. */
  readonly engineMessages: EngineMessageRepository;
  readonly idempotency: StoreIdempotency;
  /** Accepted actions until their result is recorded; the claim on each idempotency key. */
  readonly outbox: StoreOutbox;
  readonly actionLog: ActionLogRepository;
  readonly settings: SettingsRepository;
  /** Events, webhooks and their deliveries (docs/events.md). */
  readonly events: EventRepository;
  /** Resolves when the database answers, rejects otherwise (for `GET /ready`). */
  ping(): Promise<void>;
  /** Closes the file or the connection pool; calling it again does nothing. */
  close(): Promise<void>;
}

/**
 * Builds the repositories over a migrated database; `openDatabase` is the usual way in. Bulk
 * writes go through `writer` (by default the database's own connection).
 */
export function createStore(db: Kysely<Database>, dialect: Dialect, clock: Pick<Clock, 'now'>, writer: BatchWriter = new InlineBatchWriter(db)): Store {
  let closing: Promise<void> | undefined;
  const idempotency = new StoreIdempotency(db, writer, clock);
  const messages = new MessageRepository(db, clock);
  return {
    db,
    dialect,
    sessions: new SessionRepository(db, clock),
    authState: new AuthStateRepository(db, clock),
    tokens: new TokenRepository(db, clock),
    messages,
    engineMessages: new EngineMessageRepository(db, clock),
    idempotency,
    outbox: new StoreOutbox(db, dialect, writer, idempotency, messages, clock),
    actionLog: new ActionLogRepository(db, writer),
    settings: new SettingsRepository(db),
    events: new EventRepository(db, dialect, clock),
    async ping() {
      await sql`select 1`.execute(db);
      await writer.ping();
    },
    close() {
      // Bulk writes under way finish first.
      closing ??= writer.close().then(() => db.destroy());
      return closing;
    },
  };
}
