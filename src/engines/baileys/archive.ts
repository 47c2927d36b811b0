import type { EngineMessageRow } from '../../store/engine-messages.js';
import { decodeRaw, encodeRaw, type ArchivedMessage } from './content.js';

/**
 * Where the engine keeps the messages it sent and received, so forward, edit, delete and react
 * find their target, also after a restart.
 */
export interface MessageArchive {
  save(sessionId: string, message: ArchivedMessage): Promise<void>;
  find(sessionId: string, ref: { id: string; chat?: string }): Promise<ArchivedMessage | undefined>;
}

/** The archive in the service's store (`store.engineMessages`). */
export function storedArchive(rows: {
  save(sessionId: string, row: EngineMessageRow): Promise<void>;
  find(sessionId: string, ref: { id: string; chat?: string }): Promise<EngineMessageRow | undefined>;
}): MessageArchive {
  return {
    save: (sessionId, { record, raw }) => rows.save(sessionId, { record, raw: encodeRaw(raw) }),
    async find(sessionId, ref) {
      const row = await rows.find(sessionId, ref);
      return row && { record: row.record, raw: decodeRaw(row.raw) };
    },
  };
}

/** An archive in memory, for an engine without a store (tests, benchmarks). */
export class MemoryArchive implements MessageArchive {
  private readonly messages = new Map<string, ArchivedMessage>();

  async save(sessionId: string, message: ArchivedMessage): Promise<void> {
    this.messages.set(`${sessionId}\0${message.record.id}`, message);
  }

  async find(sessionId: string, ref: { id: string; chat?: string }): Promise<ArchivedMessage | undefined> {
    const found = this.messages.get(`${sessionId}\0${ref.id}`);
    return found && (ref.chat === undefined || found.record.chat === ref.chat) ? found : undefined;
  }
}
