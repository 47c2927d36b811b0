import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { MessageRecord } from '../domain/message.js';
import type { Database } from './schema.js';

/** One archived message: the record and the WhatsApp message, already encoded by the engine. */
export interface EngineMessageRow {
  record: MessageRecord;
  raw: string;
}

/**
 * The Baileys engine's archive: every message a session sent or received, by id, so a later
 * edit, delete, reaction or forward finds it after a restart.
 *
 * @example await store.engineMessages.save(sessionId, { record, raw: encodeRaw(sent) });
 */
export class EngineMessageRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Inserts the message or replaces what was kept of it (after an edit or a deletion). */
  async save(sessionId: string, message: EngineMessageRow): Promise<void> {
    const row = {
      session_id: sessionId,
      id: message.record.id,
      chat: message.record.chat,
      record: JSON.stringify(message.record),
      raw: message.raw,
      updated_at: this.clock.now(),
    };
    await this.db
      .insertInto('engine_messages')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['session_id', 'id']).doUpdateSet((eb) => ({
          chat: eb.ref('excluded.chat'),
          record: eb.ref('excluded.record'),
          raw: eb.ref('excluded.raw'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  /** The message with this id, in `chat` when given. */
  async find(sessionId: string, ref: { id: string; chat?: string }): Promise<EngineMessageRow | undefined> {
    let query = this.db.selectFrom('engine_messages').select(['record', 'raw']).where('session_id', '=', sessionId).where('id', '=', ref.id);
    if (ref.chat !== undefined) query = query.where('chat', '=', ref.chat);
    const row = await query.executeTakeFirst();
    return row && { record: JSON.parse(row.record) as MessageRecord, raw: row.raw };
  }
}
