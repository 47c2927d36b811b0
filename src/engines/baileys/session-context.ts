import type { Agent } from 'node:https';
import type { AuthenticationState, UserFacingSocketConfig } from 'baileys';
import type { ILogger } from 'baileys/lib/Utils/logger.js';
import type { Clock } from '../../domain/clock.js';
import type { CredentialStore, EngineEvent } from '../engine.js';
import type { MessageArchive } from './archive.js';
import type { BackoffOptions } from './backoff.js';
import type { SendPaceOptions } from './send-pace.js';

/** What every session of one engine shares. */
export interface SessionContext {
  clock: Clock;
  credentials: CredentialStore;
  archive: MessageArchive;
  logger: ILogger;
  emit(event: EngineEvent): void;
  /** The WhatsApp Web endpoint; unset → WhatsApp's own. */
  url?: string;
  /** Trusts the media host's certificate for uploads (a staging server's own CA). */
  fetchAgent?: Agent;
  backoff: BackoffOptions;
  pace: SendPaceOptions;
  /** How long a send waits for a reconnecting session before SESSION_NOT_CONNECTED. */
  reconnectWaitMs: number;
  /** Deadline of one query to the server (usync, prekeys, media connection…). */
  queryTimeoutMs: number;
  /** How long a sent message may wait for the server's ack before the send fails with TIMEOUT. */
  ackTimeoutMs: number;
  /** How long each QR code is shown; unset → as WhatsApp Web: the first 60 s, the next ones 20 s. */
  qrTimeoutMs?: number;
}

/** How one session's Baileys socket is set up: where it connects, what it keeps, how it reports. */
export function socketConfig(context: SessionContext, sessionId: string, auth: AuthenticationState): UserFacingSocketConfig {
  return {
    ...(context.url ? { waWebSocketUrl: context.url } : {}),
    ...(context.fetchAgent ? { fetchAgent: context.fetchAgent } : {}),
    ...(context.qrTimeoutMs ? { qrTimeout: context.qrTimeoutMs } : {}),
    auth,
    logger: context.logger,
    browser: ['WhatsApp Connector', 'Chrome', '1.0.0'],
    markOnlineOnConnect: false,
    // Baileys' own choice of history (no full sync) still brings the phone's LID mappings, which
    // Baileys 7 needs to address contacts that moved to LIDs.
    syncFullHistory: false,
    defaultQueryTimeoutMs: context.queryTimeoutMs,
    // A recipient that could not decrypt asks again: Baileys resends from what the archive kept.
    getMessage: async (key) => (key.id ? (await context.archive.find(sessionId, { id: key.id }))?.raw.message ?? undefined : undefined),
  };
}
