import type { Agent } from 'node:https';
import type { ILogger } from 'baileys/lib/Utils/logger.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import type { MessageRecord } from '../../domain/message.js';
import type {
  CredentialStore,
  EngineEvent,
  EngineListener,
  MediaDownload,
  OutgoingMessage,
  SendOptions,
  SentMessage,
  SessionState,
  SessionStatus,
  WhatsAppEngine,
} from '../engine.js';
import { MemoryArchive, type MessageArchive } from './archive.js';
import { defaultBackoff, type BackoffOptions } from './backoff.js';
import { toBaileysContent, withEditedText, type ArchivedMessage } from './content.js';
import { silentLogger } from './logger.js';
import { openReceivedMedia } from './media-download.js';
import { holdBackSignalLogs } from './signal-console.js';
import { NumberCache } from './number-cache.js';
import type { SendPaceOptions } from './send-pace.js';
import { loggedOut, notConnected } from '../session-errors.js';
import { LinkedSession, type SessionContext } from './session.js';

export interface BaileysEngineOptions {
  /** Keeps each device's credentials and Signal keys (the service: encrypted in its store). */
  credentials: CredentialStore;
  /** Keeps sent and received messages for later edits, deletes, reactions and forwards. Default: memory. */
  archive?: MessageArchive;
  /** Stamps messages, for WhatsApp's edit and delete windows. */
  clock?: Clock;
  /** The WhatsApp Web endpoint; unset → WhatsApp's own. A staging server needs its root key trusted too. */
  url?: string;
  /** Trusts a staging media host's certificate for uploads. */
  fetchAgent?: Agent;
  logger?: ILogger;
  /** Least time between two sends of one session (default 1 000 ms) and how many may wait (default 100). */
  pace?: Partial<SendPaceOptions>;
  backoff?: BackoffOptions;
  /** How long a send waits for a reconnecting session. Default 30 000. */
  reconnectWaitMs?: number;
  /** Deadline of one query to the server. Default 20 000. */
  queryTimeoutMs?: number;
  /** How long a sent message waits for the server's ack before TIMEOUT. Default 20 000. */
  ackTimeoutMs?: number;
  /** How long each QR code is shown. Default: as WhatsApp Web, 60 s for the first, 20 s for the next ones. */
  qrTimeoutMs?: number;
}

/** Sends that may wait per session, and the pace: about one message a second is what a person manages. */
export const defaultPace: SendPaceOptions = { intervalMs: 1_000, maxQueued: 100 };

/**
 * The real engine: each session is a device linked to a WhatsApp account through Baileys (the
 * WhatsApp Web protocol), as WhatsApp Web on a computer is.
 *
 * @example
 * const engine = new BaileysEngine({ credentials });
 * engine.subscribe((event) => event.type === 'qr' && showQr(event.qr));
 * await engine.startSession('ses_1');
 */
export class BaileysEngine implements WhatsAppEngine {
  readonly kind = 'baileys' as const;
  private readonly sessions = new Map<string, LinkedSession>();
  private readonly listeners = new Set<EngineListener>();
  private readonly archive: MessageArchive;
  private readonly clock: Clock;
  private readonly numbers: NumberCache;
  private readonly context: SessionContext;

  constructor(options: BaileysEngineOptions) {
    const logger = options.logger ?? silentLogger;
    holdBackSignalLogs((sentence) => logger.debug({}, `libsignal: ${sentence}`));
    this.archive = options.archive ?? new MemoryArchive();
    this.clock = options.clock ?? systemClock;
    this.numbers = new NumberCache(this.clock);
    this.context = {
      clock: this.clock,
      credentials: options.credentials,
      archive: this.archive,
      logger,
      emit: (event) => this.emit(event),
      ...(options.url ? { url: options.url } : {}),
      ...(options.fetchAgent ? { fetchAgent: options.fetchAgent } : {}),
      backoff: options.backoff ?? defaultBackoff,
      pace: { ...defaultPace, ...options.pace },
      reconnectWaitMs: options.reconnectWaitMs ?? 30_000,
      queryTimeoutMs: options.queryTimeoutMs ?? 20_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 20_000,
      ...(options.qrTimeoutMs ? { qrTimeoutMs: options.qrTimeoutMs } : {}),
    };
  }

  async startSession(sessionId: string): Promise<void> {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = new LinkedSession(sessionId, this.context);
      this.sessions.set(sessionId, session);
    }
    await session.start();
  }

  async stopSession(sessionId: string): Promise<void> {
    await this.session(sessionId).stop();
  }

  async logoutSession(sessionId: string): Promise<void> {
    const session = this.session(sessionId);
    if (session.state !== 'logged_out') await session.logout('logged out');
  }

  getSessionStatus(sessionId: string): SessionStatus | undefined {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    return session.jid === undefined ? { sessionId, state: session.state } : { sessionId, state: session.state, jid: session.jid };
  }

  countSessions(state: SessionState): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.state === state) count += 1;
    return count;
  }

  requestPairingCode(sessionId: string, phone: string): Promise<string> {
    return this.session(sessionId).pairingCode(phone);
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks WhatsApp once per number and remembers the answer for a while (see `NumberCache`). */
  async checkNumbers(sessionId: string, jids: readonly string[]): Promise<Map<string, boolean>> {
    const session = this.usable(sessionId);
    return this.numbers.lookup(jids, async (unknown) => {
      const sock = await session.connected();
      const found = (await sock.onWhatsApp(...unknown)) ?? [];
      return new Set(found.filter((entry) => entry.exists).map((entry) => entry.jid));
    });
  }

  async send(sessionId: string, message: OutgoingMessage, options: SendOptions): Promise<SentMessage> {
    const session = this.usable(sessionId);
    return session.pace.run(async () => {
      const target = 'target' in message ? await this.archived(sessionId, message.target) : undefined;
      const quoted = 'quoted' in message && message.quoted ? await this.archived(sessionId, message.quoted) : undefined;
      const { jid, content } = toBaileysContent(message, target?.raw);
      const raw = await session.deliver(jid, content, options.messageId, options.signal, quoted?.raw);
      const sent: SentMessage = { chat: jid, id: options.messageId, fromMe: true, timestamp: this.clock.now(), status: 'sent' };
      await this.remember(sessionId, message, sent, raw, target);
      return sent;
    });
  }

  async openMedia(sessionId: string, ref: { id: string; chat?: string }): Promise<MediaDownload> {
    this.usable(sessionId);
    const archived = await this.archive.find(sessionId, ref);
    if (!archived) throw new ConnectorError('MESSAGE_NOT_FOUND', `No message ${ref.id} in this session's chats`, { id: ref.id });
    return openReceivedMedia(archived.raw, this.context.fetchAgent);
  }

  async findMessage(sessionId: string, ref: { id: string; chat?: string }): Promise<MessageRecord | undefined> {
    this.usable(sessionId);
    return (await this.archive.find(sessionId, ref))?.record;
  }

  /** Ends every socket; linked sessions keep their credentials for the next start. */
  async close(): Promise<void> {
    for (const session of this.sessions.values()) await session.stop();
    this.listeners.clear();
  }

  /** What a send changes in the archive: a new message, or the edited or deleted one. */
  private async remember(sessionId: string, message: OutgoingMessage, sent: SentMessage, raw: ArchivedMessage['raw'], target: ArchivedMessage | undefined): Promise<void> {
    const fresh = { chat: sent.chat, id: sent.id, fromMe: true, timestamp: sent.timestamp, status: sent.status, forwardingScore: 0, deletedForEveryone: false };
    switch (message.type) {
      case 'text':
        return this.archive.save(sessionId, { record: { ...fresh, kind: 'text', text: message.text }, raw });
      case 'media':
        return this.archive.save(sessionId, { record: { ...fresh, kind: message.media.kind, ...(message.caption ? { text: message.caption } : {}) }, raw });
      case 'location':
        return this.archive.save(sessionId, { record: { ...fresh, kind: 'location' }, raw });
      case 'contacts':
        return this.archive.save(sessionId, { record: { ...fresh, kind: 'contact' }, raw });
      case 'forward': {
        const original = target!.record;
        const record = { ...fresh, kind: original.kind, forwardingScore: original.forwardingScore + 1, ...(original.text !== undefined ? { text: original.text } : {}) };
        return this.archive.save(sessionId, { record, raw });
      }
      case 'edit':
        return this.archive.save(sessionId, { record: { ...target!.record, text: message.text }, raw: withEditedText(target!.raw, message.text) });
      case 'delete':
        if (message.forEveryone) await this.archive.save(sessionId, { record: { ...target!.record, deletedForEveryone: true }, raw: target!.raw });
        return;
      case 'reaction':
        return;
    }
  }

  private async archived(sessionId: string, record: MessageRecord): Promise<ArchivedMessage> {
    const found = await this.archive.find(sessionId, { id: record.id, chat: record.chat });
    if (!found) throw new ConnectorError('MESSAGE_NOT_FOUND', `No message ${record.id} in ${record.chat} for this connection`, { id: record.id, chat: record.chat });
    return found;
  }

  /** The session, unless it cannot act: unknown, logged out, or not linked. */
  private usable(sessionId: string): LinkedSession {
    const session = this.session(sessionId);
    if (session.state === 'logged_out') throw loggedOut(sessionId);
    if (session.state !== 'connected' && session.state !== 'reconnecting') throw notConnected(sessionId, session.state);
    return session;
  }

  private session(sessionId: string): LinkedSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new ConnectorError('SESSION_NOT_FOUND', `No session ${sessionId}`, { sessionId });
    return session;
  }

  private emit(event: EngineEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the session goes on.
      }
    }
  }
}
