import { ConnectorError, toConnectorError } from '../domain/errors.js';
import type { WhatsAppEngine } from '../engines/engine.js';
import type { EngineKind, SessionRecord, Store } from '../store/index.js';

/** What a start did with the sessions it found. */
export interface RestoreReport {
  /** Sessions reconnected or resumed. */
  restored: number;
  /** Sessions another engine linked: left alone, their credentials untouched. */
  otherEngine: { sessionId: string; engine: EngineKind }[];
  /** Sessions that could not be started (credentials that cannot be decrypted, …), now `failed`. */
  failed: { sessionId: string; reason: string }[];
}

/**
 * Sessions this service cannot act for, and the error an action on one answers: those another
 * engine owns, and those that failed to start. Kept per node, filled at start.
 */
export class UnavailableSessions {
  private readonly errors = new Map<string, ConnectorError>();

  set(sessionId: string, error: ConnectorError): void {
    this.errors.set(sessionId, error);
  }

  clear(sessionId: string): void {
    this.errors.delete(sessionId);
  }

  /** Throws the session's error when it cannot act. */
  assertCanAct(sessionId: string): void {
    const error = this.errors.get(sessionId);
    if (error) throw error;
  }
}

/** A session a start brings back: linked, or linking (or failed linking) when the service stopped. */
export function isWaking(row: SessionRecord): boolean {
  return row.state !== 'logged_out' && (row.jid !== null || row.state === 'linking' || row.state === 'failed');
}

/** The coded error for a session the running engine does not own. */
export function otherEngineError(sessionId: string, owner: EngineKind, running: EngineKind): ConnectorError {
  return new ConnectorError(
    'SESSION_OTHER_ENGINE',
    `Session ${sessionId} was linked by the ${owner} engine; this service runs ${running}. Start it with CONNECTOR_ENGINE=${owner} to use this session`,
    { sessionId, engine: owner, runningEngine: running },
  );
}

/**
 * On start: reconnects every linked session of this engine and resumes linking the ones that were
 * linking. Another engine's sessions are skipped (reading their credentials would crash the
 * engine, and rewriting them would break the other's link); a session that fails to start is
 * marked `failed` with the reason, and the others still start.
 */
export async function restoreSessions(store: Store, engine: WhatsAppEngine, unavailable: UnavailableSessions): Promise<RestoreReport> {
  const rows = await store.sessions.list();
  const waking = rows.filter(isWaking);
  const report: RestoreReport = { restored: 0, otherEngine: [], failed: [] };
  for (const row of waking) {
    const owner = row.engine ?? (await store.sessions.claim(row.id, engine.kind));
    if (owner !== undefined && owner !== engine.kind) {
      unavailable.set(row.id, otherEngineError(row.id, owner, engine.kind));
      report.otherEngine.push({ sessionId: row.id, engine: owner });
      continue;
    }
    const reason = await start(engine, row);
    if (reason === undefined) {
      unavailable.clear(row.id);
      report.restored += 1;
      continue;
    }
    await store.sessions.markFailed(row.id, reason);
    unavailable.set(row.id, new ConnectorError('SESSION_NOT_CONNECTED', `Session ${row.id} failed to start: ${reason}`, { sessionId: row.id, reason }));
    report.failed.push({ sessionId: row.id, reason });
  }
  return report;
}

/** Starts one session; answers why it could not start, or undefined. */
async function start(engine: WhatsAppEngine, row: SessionRecord): Promise<string | undefined> {
  try {
    await engine.startSession(row.id);
    return undefined;
  } catch (error) {
    return toConnectorError(error).message;
  }
}
