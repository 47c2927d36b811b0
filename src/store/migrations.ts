import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { ConnectorError } from '../domain/errors.js';
import type { Dialect } from './database-url.js';

/** Longest credential entry name; Baileys' longest (sender keys of a group member) stay far below. */
export const maxAuthStateNameLength = 512;

/**
 * The schema, written once for SQLite and PostgreSQL with Kysely's builder: only `text`,
 * `integer` and `bigint` columns, no dialect-specific types, defaults or auto-increment.
 */
const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('jid', 'text')
      .addColumn('label', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('linked_at', 'bigint')
      .addColumn('last_seen_at', 'bigint')
      .execute();

    await db.schema
      .createTable('auth_state')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_state_pk', ['session_id', 'name'])
      .addCheckConstraint('auth_state_name_length', sql`length(name) between 1 and ${sql.lit(maxAuthStateNameLength)}`)
      .execute();

    await db.schema
      .createTable('tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addUniqueConstraint('tokens_hash_unique', ['hash'])
      .execute();
    await db.schema.createIndex('tokens_by_session').on('tokens').column('session_id').execute();

    await db.schema
      .createTable('messages')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('chat', 'text', (c) => c.notNull())
      .addColumn('from_me', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('forwarding_score', 'integer', (c) => c.notNull())
      .addColumn('deleted_for_everyone', 'integer', (c) => c.notNull())
      .addColumn('action', 'text')
      .addColumn('idempotency_key', 'text')
      .addColumn('result', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('messages_pk', ['session_id', 'id'])
      .execute();
    await db.schema.createIndex('messages_by_chat').on('messages').columns(['session_id', 'chat']).execute();

    await db.schema
      .createTable('idempotency')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_pk', ['session_id', 'key'])
      .execute();

    await db.schema
      .createTable('action_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('action_log_by_session').on('action_log').columns(['session_id', 'created_at']).execute();

    await db.schema
      .createTable('settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['settings', 'action_log', 'idempotency', 'messages', 'tokens', 'auth_state', 'sessions']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * No query looks messages up by chat, and every index costs each insert a page write: with random
 * message ids, about a quarter of what recording a sent message costs.
 */
const dropMessagesByChat: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('messages_by_chat').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.createIndex('messages_by_chat').on('messages').columns(['session_id', 'chat']).execute();
  },
};

/** The Baileys engine's own memory of messages (see `EngineMessagesTable`). */
const engineMessages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('engine_messages')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('chat', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('engine_messages_pk', ['session_id', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('engine_messages').execute();
  },
};

/**
 * Which engine linked each session, so a service started with the other engine leaves it alone
 * instead of reading credentials it cannot understand; and why a session failed to start.
 * Existing sessions are told apart by their credentials: Baileys keeps `creds`, the sandbox `jid`.
 * One with neither has nothing an engine could misread; it stays unknown (null) and the next
 * engine to start it claims it.
 */
const sessionEngine: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('engine', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('failure', 'text').execute();
    const sessions = db as unknown as Kysely<{ sessions: { id: string; engine: string | null }; auth_state: { session_id: string; name: string } }>;
    for (const [engine, entry] of [['baileys', 'creds'], ['sandbox', 'jid']] as const) {
      await sessions
        .updateTable('sessions')
        .set({ engine })
        .where('engine', 'is', null)
        .where(({ exists, selectFrom }) => exists(selectFrom('auth_state').select('name').whereRef('auth_state.session_id', '=', 'sessions.id').where('auth_state.name', '=', entry)))
        .execute();
    }
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('failure').execute();
    await db.schema.alterTable('sessions').dropColumn('engine').execute();
  },
};

/**
 * The outbox: every accepted action waits here, durable, until it has been sent and its result
 * recorded (then its row goes, in the same transaction that writes the result). A row is also the
 * action's claim on its idempotency key: one insert decides, on every node, which request sends.
 * `seq` (time-ordered) keeps a session's actions in the order they were accepted.
 */
const outbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('seq', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('chat', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('respond_async', 'integer', (c) => c.notNull())
      .addColumn('deadline', 'bigint')
      .addColumn('error', 'text')
      .addColumn('accepted_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('outbox_pk', ['session_id', 'key'])
      .execute();
    await db.schema.createIndex('outbox_in_order').on('outbox').columns(['session_id', 'seq']).execute();
    await db.schema.createIndex('outbox_by_message').on('outbox').columns(['session_id', 'message_id']).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('outbox').execute();
  },
};

/**
 * Events and their webhooks: every event a session produces is recorded (`seq` orders them, for a
 * stream to resume from), and one delivery row per event and webhook waits until the endpoint took
 * it. A delivery's `chat` keeps a chat's events in order: the next waits while an earlier is pending.
 */
const events: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('chat', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_by_session').on('events').columns(['session_id', 'seq']).execute();
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text')
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('event_seq', 'bigint', (c) => c.notNull())
      .addColumn('chat', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createIndex('deliveries_in_order').on('deliveries').columns(['webhook_id', 'chat', 'state', 'event_seq']).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('deliveries').execute();
    await db.schema.dropTable('webhooks').execute();
    await db.schema.dropTable('events').execute();
  },
};

/** Migrations live in code, so the built package needs no migration folder beside it. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({
    '001_initial': initial,
    '002_drop_messages_by_chat': dropMessagesByChat,
    '003_engine_messages': engineMessages,
    '004_session_engine': sessionEngine,
    '005_outbox': outbox,
    '008_events': events,
  }),
};

/**
 * Brings the schema up to date; safe to run on every start and from several nodes at once (the
 * migrator takes a lock, on PostgreSQL an advisory lock).
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    // Kysely looks for its bookkeeping tables in every schema of the database; naming ours keeps a
    // neighbour's tables in another schema (another app, a parallel test run) from being mistaken for it.
    migrationTableSchema: dialect === 'postgres' ? await currentSchema(db) : undefined,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConnectorError(
      'INTERNAL',
      `Database migration ${failed === undefined ? '' : `${failed} `}failed: ${reason}`,
      failed === undefined ? undefined : { migration: failed },
      { cause: error },
    );
  }
}

async function currentSchema(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null) {
    throw new ConnectorError('INTERNAL', 'PostgreSQL has no current schema: the search_path names no existing schema');
  }
  return schema;
}
