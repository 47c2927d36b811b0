import { sql, type Kysely, type Selectable } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { ConnectorEvent } from '../events/schemas.js';
import type { Dialect } from './database-url.js';
import type { Database, DeliveriesTable, WebhooksTable } from './schema.js';

/** A stored event: the envelope as delivered, and where it stands in the stream. */
export interface StoredEvent {
  seq: number;
  event: ConnectorEvent;
}

export interface WebhookRow {
  id: string;
  sessionId: string | null;
  url: string;
  /** Sealed; the caller opens it. */
  sealedSecret: string;
  events: string[];
  createdAt: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventSeq: number;
  chat: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

/** The outcome of one attempt, as the worker records it. */
export type AttemptOutcome = { delivered: true; status: number } | { delivered: false; status?: number; error: string; retryAt?: number };

/** Serialises event inserts on PostgreSQL, so `seq` order is commit order and a reader never skips one. */
const eventsLockKey = 0x77615f65;

/**
 * Events, webhooks and their deliveries in the service's database (SQLite or PostgreSQL). An event
 * and its deliveries are written in one transaction: once recorded, an event is delivered.
 *
 * @example const stored = await store.events.record(event, chat, webhooks, deliveryId);
 */
export class EventRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Records the event and a pending delivery to each webhook; answers its place in the stream. */
  async record(event: ConnectorEvent, chat: string, webhookIds: readonly string[], deliveryId: (webhookId: string) => string): Promise<StoredEvent> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${eventsLockKey})`.execute(trx);
      const last = await trx.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      await trx.insertInto('events').values({ seq, id: event.id, session_id: event.sessionId, type: event.type, chat, body: JSON.stringify(event), created_at: now }).execute();
      if (webhookIds.length > 0) {
        await trx
          .insertInto('deliveries')
          .values(webhookIds.map((webhookId) => ({ id: deliveryId(webhookId), webhook_id: webhookId, event_seq: seq, chat, state: 'pending', attempts: 0, next_attempt_at: now, last_status: null, last_error: null, created_at: now, updated_at: now })))
          .execute();
      }
      return { seq, event };
    });
  }

  /** A session's events after `seq`, oldest first. */
  async after(sessionId: string, seq: number, limit = 500): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').select(['seq', 'body']).where('session_id', '=', sessionId).where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((row) => ({ seq: Number(row.seq), event: JSON.parse(row.body) as ConnectorEvent }));
  }

  /** The newest event's place in the stream (0 when none). */
  async latestSeq(): Promise<number> {
    const last = await this.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return Number(last?.seq ?? 0);
  }

  async event(seq: number): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom('events').select(['seq', 'body']).where('seq', '=', seq).executeTakeFirst();
    return row && { seq: Number(row.seq), event: JSON.parse(row.body) as ConnectorEvent };
  }

  async addWebhook(webhook: WebhookRow): Promise<void> {
    await this.db.insertInto('webhooks').values({ id: webhook.id, session_id: webhook.sessionId, url: webhook.url, secret: webhook.sealedSecret, events: JSON.stringify(webhook.events), created_at: webhook.createdAt }).execute();
  }

  async webhooks(): Promise<WebhookRow[]> {
    return (await this.db.selectFrom('webhooks').selectAll().orderBy('created_at').execute()).map(webhookOf);
  }

  async webhook(id: string): Promise<WebhookRow | undefined> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && webhookOf(row);
  }

  /** Removes the webhook and what it still had to deliver. */
  async removeWebhook(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('deliveries').where('webhook_id', '=', id).execute();
      const removed = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return removed.numDeletedRows > 0n;
    });
  }

  /**
   * Pending deliveries due now that are first in their chat's line (no earlier pending one to the
   * same webhook and chat): what may be attempted without breaking a chat's order.
   */
  async due(limit: number): Promise<DeliveryRow[]> {
    const rows = await this.db
      .selectFrom('deliveries as d')
      .selectAll('d')
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at', '<=', this.clock.now())
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('deliveries as e')
              .select('e.id')
              .whereRef('e.webhook_id', '=', 'd.webhook_id')
              .whereRef('e.chat', '=', 'd.chat')
              .where('e.state', '=', 'pending')
              .whereRef('e.event_seq', '<', 'd.event_seq'),
          ),
        ),
      )
      .orderBy('d.event_seq')
      .limit(limit)
      .execute();
    return rows.map(deliveryOf);
  }

  /**
   * Takes a due delivery for one attempt: moves its next attempt past the attempt's timeout, unless
   * another worker took it first. Of several nodes' workers, one gets `true`.
   */
  async claim(delivery: DeliveryRow, until: number): Promise<boolean> {
    const taken = await this.db
      .updateTable('deliveries')
      .set({ next_attempt_at: until })
      .where('id', '=', delivery.id)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '=', delivery.nextAttemptAt)
      .executeTakeFirst();
    return taken.numUpdatedRows > 0n;
  }

  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
    const now = this.clock.now();
    const state: DeliveryState = outcome.delivered ? 'delivered' : outcome.retryAt === undefined ? 'failed' : 'pending';
    await this.db
      .updateTable('deliveries')
      .set((eb) => ({
        state,
        attempts: eb('attempts', '+', 1),
        last_status: outcome.status ?? null,
        last_error: outcome.delivered ? null : outcome.error,
        next_attempt_at: outcome.delivered || outcome.retryAt === undefined ? now : outcome.retryAt,
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
  }

  /** A webhook's deliveries, newest first. */
  async deliveries(webhookId: string, limit: number): Promise<DeliveryRow[]> {
    const rows = await this.db.selectFrom('deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('event_seq', 'desc').limit(limit).execute();
    return rows.map(deliveryOf);
  }

  async delivery(webhookId: string, id: string): Promise<DeliveryRow | undefined> {
    const row = await this.db.selectFrom('deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', id).executeTakeFirst();
    return row && deliveryOf(row);
  }

  /** Sends a delivery again: pending, due now (its attempts are kept). */
  async replay(webhookId: string, id: string): Promise<DeliveryRow | undefined> {
    const now = this.clock.now();
    await this.db.updateTable('deliveries').set({ state: 'pending', next_attempt_at: now, updated_at: now }).where('webhook_id', '=', webhookId).where('id', '=', id).execute();
    return this.delivery(webhookId, id);
  }
}

function webhookOf(row: Selectable<WebhooksTable>): WebhookRow {
  return { id: row.id, sessionId: row.session_id, url: row.url, sealedSecret: row.secret, events: JSON.parse(row.events) as string[], createdAt: Number(row.created_at) };
}

function deliveryOf(row: Selectable<DeliveriesTable>): DeliveryRow {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventSeq: Number(row.event_seq),
    chat: row.chat,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    ...(row.last_status !== null ? { lastStatus: Number(row.last_status) } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
