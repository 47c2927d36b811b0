import type { Agent } from 'node:https';
import makeWASocket, { DisconnectReason, isJidGroup, jidNormalizedUser, type AnyMessageContent, type BinaryNode, type UserFacingSocketConfig, type WAMessage } from 'baileys';
import type { ILogger } from 'baileys/lib/Utils/logger.js';
import { abortError, untilAborted } from '../../actions/abort.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import type { MessageStatus } from '../../domain/message.js';
import type { CredentialStore, EngineEvent, SessionState } from '../engine.js';
import { loggedOut, notConnected } from '../session-errors.js';
import type { MessageArchive } from './archive.js';
import { loadAuthState, type StoredAuthState } from './auth-state.js';
import { reconnectDelay, type BackoffOptions } from './backoff.js';
import { Conditions } from './conditions.js';
import { describeContent } from './content.js';
import { SendPace, type SendPaceOptions } from './send-pace.js';
import { withOwnStorages } from './socket-storage.js';

export type Socket = ReturnType<typeof makeWASocket>;

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

/** How long each QR code is shown, as WhatsApp Web does: the first 60 s, the next ones 20 s. */
const firstQrMs = 60_000;
const laterQrMs = 20_000;
/** A send that lost its socket is tried again on the next connection this many times. */
const maxSendAttempts = 5;
/** Closes that end the link for good: the phone removed the device, or the account cannot use it. */
const unlinkedCodes = new Set<number>([DisconnectReason.loggedOut, DisconnectReason.forbidden, DisconnectReason.multideviceMismatch]);

/** The socket closed under a send, before the server acked it. */
class SocketClosed extends Error {}

/**
 * One linked device: a Baileys socket, its credentials in the store, reconnection with backoff
 * and jitter, paced sends that are acked by the server before they count, and the events the
 * token service and the receipts need.
 */
export class LinkedSession {
  state: SessionState = 'stopped';
  jid: string | undefined;
  readonly pace: SendPace;
  private sock: Socket | undefined;
  private auth: StoredAuthState | undefined;
  /** False once the service stopped or logged out the session: a close then means nothing. */
  private wanted = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private justLinked = false;
  private qrShown = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private credsSaved: Promise<void> = Promise.resolve();
  private readonly changes = new Conditions();
  private readonly acks = new Map<string, { resolve(): void; reject(error: Error): void }>();

  constructor(
    readonly id: string,
    private readonly context: SessionContext,
  ) {
    // Pacing is about WhatsApp's real time, not the clock that stamps messages (a test's manual one).
    this.pace = new SendPace(systemClock, context.pace);
  }

  /** Connects: a linked device reconnects, an unlinked one starts showing QR codes. */
  async start(): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    this.auth = await loadAuthState(this.context.credentials, this.id);
    if (this.auth.isLinked()) {
      this.jid = jidNormalizedUser(this.auth.state.creds.me!.id);
      this.setState('reconnecting');
    } else {
      this.jid = undefined;
      this.setState('linking');
    }
    this.connect();
  }

  /** Disconnects and keeps the credentials, so a later start reconnects without a scan. */
  async stop(): Promise<void> {
    this.halt();
    if (this.state !== 'logged_out') this.setState('stopped');
  }

  /** Unlinks the device on the phone's list of linked devices and forgets its credentials. */
  async logout(reason: string): Promise<void> {
    const sock = this.state === 'connected' ? this.sock : undefined;
    this.halt();
    if (sock) await sock.logout().catch(() => {});
    await this.unlinked(reason);
  }

  /** The socket once the session is connected; waits while it reconnects, up to the wait limit. */
  async connected(signal?: AbortSignal): Promise<Socket> {
    try {
      const settled = () => (this.state === 'connected' ? this.sock !== undefined : this.state !== 'reconnecting');
      await this.changes.until(settled, () => 'the session to reconnect', this.context.reconnectWaitMs, signal);
    } catch {
      throw notConnected(this.id, this.state);
    }
    if (this.state === 'logged_out') throw loggedOut(this.id);
    if (this.state !== 'connected' || !this.sock) throw notConnected(this.id, this.state);
    return this.sock;
  }

  /** The QR is up (the server registered this client), so a pairing code can be asked for. */
  async pairingCode(phone: string): Promise<string> {
    if (this.state !== 'linking') {
      throw new ConnectorError('VALIDATION_ERROR', `Session ${this.id} is not linking (it is ${this.state}); start it first`, { sessionId: this.id, state: this.state });
    }
    await this.changes.until(() => this.qrShown > 0 || this.state !== 'linking', () => 'the server to register the client', this.context.queryTimeoutMs);
    if (!this.sock || this.state !== 'linking') throw notConnected(this.id, this.state);
    const code = await this.sock.requestPairingCode(phone.replace(/\D/g, ''));
    this.context.emit({ type: 'pairing-code', sessionId: this.id, code });
    return code;
  }

  /**
   * Sends one message under `messageId` and resolves once the server acked it. If the socket drops
   * first, the same message (same id) goes again on the next connection: the recipient's phone
   * shows a message id once, so the retry cannot make a duplicate.
   */
  async deliver(jid: string, content: AnyMessageContent, messageId: string, signal?: AbortSignal): Promise<WAMessage> {
    for (let attempt = 1; ; attempt++) {
      const sock = await this.connected(signal);
      const acked = this.expectAck(messageId);
      let ackTimer: NodeJS.Timeout | undefined;
      try {
        const sent = await untilAborted(sock.sendMessage(jid, content, { messageId }), signal);
        ackTimer = setTimeout(() => this.ackMissing(messageId), this.context.ackTimeoutMs);
        await untilAborted(acked, signal);
        if (!sent) throw new ConnectorError('ENGINE_ERROR', 'Baileys sent nothing');
        return sent;
      } catch (error) {
        this.acks.delete(messageId);
        const lostSocket = error instanceof SocketClosed || statusOf(error) === DisconnectReason.connectionClosed || sock !== this.sock;
        if (signal?.aborted) throw abortError(signal);
        if (!lostSocket) throw toEngineError(error, jid);
        if (attempt >= maxSendAttempts) throw notConnected(this.id, this.state);
        // Baileys reports the close a moment after the socket failed: wait for it, then for the reconnect.
        await this.changes.until(() => this.sock !== sock || this.state !== 'connected', () => 'the lost socket to close', this.context.reconnectWaitMs, signal).catch(() => {});
      } finally {
        clearTimeout(ackTimer);
      }
    }
  }

  /**
   * The server took the message but never confirmed it: it may have been delivered. The caller
   * hears TIMEOUT; a retry with the same idempotency key resends the same id, which the recipient
   * shows once.
   */
  private ackMissing(messageId: string): void {
    const waiter = this.acks.get(messageId);
    this.acks.delete(messageId);
    waiter?.reject(
      new ConnectorError('TIMEOUT', `WhatsApp did not confirm message ${messageId} within ${this.context.ackTimeoutMs} ms; retrying with the same idempotency key cannot send it twice`, {
        messageId,
      }),
    );
  }

  private expectAck(messageId: string): Promise<void> {
    return new Promise((resolve, reject) => this.acks.set(messageId, { resolve, reject }));
  }

  private connect(): void {
    const { context } = this;
    const auth = this.auth!;
    const config: UserFacingSocketConfig = {
      ...(context.url ? { waWebSocketUrl: context.url } : {}),
      ...(context.fetchAgent ? { fetchAgent: context.fetchAgent } : {}),
      ...(context.qrTimeoutMs ? { qrTimeout: context.qrTimeoutMs } : {}),
      auth: auth.state,
      logger: context.logger,
      browser: ['WhatsApp Connector', 'Chrome', '1.0.0'],
      markOnlineOnConnect: false,
      // Baileys' own choice of history (no full sync) still brings the phone's LID mappings, which
      // Baileys 7 needs to address contacts that moved to LIDs.
      syncFullHistory: false,
      defaultQueryTimeoutMs: context.queryTimeoutMs,
      // A recipient that could not decrypt asks again: Baileys resends from what the archive kept.
      getMessage: async (key) => (key.id ? (await context.archive.find(this.id, { id: key.id }))?.raw.message ?? undefined : undefined),
    };
    const { value: sock, release } = withOwnStorages(() => makeWASocket(config));
    this.sock = sock;
    this.qrShown = 0;
    this.changes.changed();

    sock.ev.on('creds.update', (update) => {
      Object.assign(auth.state.creds, update);
      // In order, one after another: the last write always holds the newest credentials.
      this.credsSaved = this.credsSaved.then(auth.saveCreds).catch((error: unknown) => context.logger.error({ err: error }, 'credentials not saved'));
    });
    sock.ev.on('connection.update', (update) => {
      if (update.connection === 'close') release();
      if (sock !== this.sock) return;
      if (update.qr) this.showQr(update.qr);
      if (update.isNewLogin) this.justLinked = true;
      if (update.connection === 'open') this.opened(sock);
      if (update.connection === 'close') void this.closed(statusOf(update.lastDisconnect?.error));
    });
    sock.ev.on('messages.upsert', ({ messages }) => void this.archiveReceived(messages));
    sock.ws.on('CB:ack,class:message', (node: BinaryNode) => this.acked(node));
    sock.ws.on('CB:receipt', (node: BinaryNode) => this.receipt(node));
    // Baileys 7 can hold events in its buffer for up to 30 s; a received message is released soon.
    sock.ws.on('CB:message', () => this.flushSoon(sock));
  }

  private showQr(qr: string): void {
    const validForMs = this.context.qrTimeoutMs ?? (this.qrShown === 0 ? firstQrMs : laterQrMs);
    this.qrShown += 1;
    this.changes.changed();
    this.context.emit({ type: 'qr', sessionId: this.id, qr, expiresAt: this.context.clock.now() + validForMs });
  }

  private opened(sock: Socket): void {
    this.attempt = 0;
    this.jid = jidNormalizedUser(sock.user?.id ?? this.auth!.state.creds.me!.id);
    const newLink = this.justLinked;
    this.justLinked = false;
    this.setState('connected');
    this.context.emit({ type: 'connected', sessionId: this.id, jid: this.jid, newLink });
  }

  private async closed(status: number | undefined): Promise<void> {
    this.sock = undefined;
    this.changes.changed();
    for (const waiter of this.acks.values()) waiter.reject(new SocketClosed('the connection closed before the server acked the message'));
    this.acks.clear();
    if (!this.wanted) return;
    if (status !== undefined && unlinkedCodes.has(status)) {
      this.halt();
      await this.unlinked(status === DisconnectReason.loggedOut ? 'the phone removed this linked device' : `WhatsApp refused the device (${status})`);
      return;
    }
    if (status === DisconnectReason.restartRequired) return this.connect();
    if (status === DisconnectReason.connectionReplaced) {
      // Another process runs this device now; reconnecting would only take turns with it.
      this.halt();
      this.setState('stopped');
      return;
    }
    if (this.state === 'linking' && this.qrShown > 0 && status === DisconnectReason.timedOut) {
      this.halt();
      this.setState('failed');
      this.context.emit({ type: 'link-failed', sessionId: this.id, reason: 'qr-timeout' });
      return;
    }
    if (this.state !== 'linking') this.setState('reconnecting');
    const delayMs = reconnectDelay(this.attempt++, this.context.backoff);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.wanted) this.connect();
    }, delayMs);
  }

  private async unlinked(reason: string): Promise<void> {
    this.jid = undefined;
    await this.context.credentials.clear(this.id).catch((error: unknown) => this.context.logger.error({ err: error }, 'credentials not cleared'));
    this.setState('logged_out');
    this.context.emit({ type: 'logged-out', sessionId: this.id, reason });
  }

  /** Ends the socket and every timer; a close that follows changes nothing. */
  private halt(): void {
    this.wanted = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.reconnectTimer = undefined;
    this.flushTimer = undefined;
    this.pace.close();
    const sock = this.sock;
    this.sock = undefined;
    if (sock) void sock.end(undefined);
    for (const waiter of this.acks.values()) waiter.reject(new SocketClosed('the session stopped'));
    this.acks.clear();
  }

  private acked(node: BinaryNode): void {
    const waiter = node.attrs.id === undefined ? undefined : this.acks.get(node.attrs.id);
    if (!waiter) return;
    this.acks.delete(node.attrs.id!);
    if (node.attrs.error) waiter.reject(new ConnectorError('ENGINE_ERROR', `WhatsApp refused the message (error ${node.attrs.error})`, { error: node.attrs.error }));
    else waiter.resolve();
  }

  /** A recipient's phone got (`delivery`) or showed (`read`, `played`) messages this device sent. */
  private receipt(node: BinaryNode): void {
    const status: MessageStatus | undefined = node.attrs.type === undefined ? 'delivered' : node.attrs.type === 'read' || node.attrs.type === 'played' ? 'read' : undefined;
    if (!status || !node.attrs.id || !node.attrs.from) return;
    const listed = Array.isArray(node.content) ? node.content.filter((child) => child.tag === 'list').flatMap((list) => (Array.isArray(list.content) ? list.content : [])) : [];
    const ids = [node.attrs.id, ...listed.map((item) => item.attrs.id).filter((id): id is string => id !== undefined)];
    const chat = jidNormalizedUser(node.attrs.from);
    for (const id of ids) this.context.emit({ type: 'receipt', sessionId: this.id, message: { chat, id, fromMe: true }, status });
  }

  /** Keeps what others send, so a later reaction or forward can name it. */
  private async archiveReceived(messages: WAMessage[]): Promise<void> {
    for (const raw of messages) {
      const described = describeContent(raw.message);
      if (raw.key.fromMe || !raw.key.id || !raw.key.remoteJid || !described) continue;
      const record = {
        chat: jidNormalizedUser(raw.key.remoteJid),
        id: raw.key.id,
        fromMe: false,
        timestamp: Number(raw.messageTimestamp ?? 0) * 1000 || this.context.clock.now(),
        status: 'delivered' as const,
        deletedForEveryone: false,
        ...described,
      };
      await this.context.archive.save(this.id, { record, raw }).catch((error: unknown) => this.context.logger.error({ err: error }, 'received message not archived'));
    }
  }

  private flushSoon(sock: Socket): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      sock.ev.flush();
    }, 100);
  }

  private setState(state: SessionState): void {
    if (this.state === state) return;
    this.state = state;
    this.changes.changed();
    this.context.emit({ type: 'state', sessionId: this.id, state });
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
}

function toEngineError(error: unknown, jid: string): Error {
  if (error instanceof ConnectorError) return error;
  // Sending to a group starts with its metadata, which WhatsApp refuses (403) or does not know (404) for a non-member.
  const refusedWith = (error as { data?: unknown } | undefined)?.data;
  if (isJidGroup(jid) && (refusedWith === 403 || refusedWith === 404)) {
    return new ConnectorError('FORBIDDEN', `This account is not a participant of group ${jid}`, { chat: jid });
  }
  if (error instanceof SocketClosed) return new ConnectorError('SESSION_NOT_CONNECTED', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('ENGINE_ERROR', `WhatsApp did not take the message: ${message}`, undefined, { cause: error });
}
