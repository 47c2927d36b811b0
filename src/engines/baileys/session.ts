import makeWASocket, { DisconnectReason, isJidGroup, jidNormalizedUser, type AnyMessageContent, type BinaryNode, type WAMessage } from 'baileys';
import { abortError, untilAborted } from '../../actions/abort.js';
import { systemClock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import type { SessionState } from '../engine.js';
import { loggedOut, notConnected } from '../session-errors.js';
import { loadAuthState, type StoredAuthState } from './auth-state.js';
import { ReconnectSchedule } from './backoff.js';
import { Conditions } from './conditions.js';
import { receiptsOf, receivedForArchive } from './incoming.js';
import { incomingOf } from './received.js';
import { LruCache } from '../../expressions/lru.js';
import { SendPace } from './send-pace.js';
import { socketConfig, type SessionContext } from './session-context.js';
import { ServerAcks, SocketClosed } from './server-acks.js';
import { afterClose, statusOf } from './socket-close.js';
import { withOwnStorages } from './socket-storage.js';

export type Socket = ReturnType<typeof makeWASocket>;
export type { SessionContext } from './session-context.js';

/** How long each QR code is shown, as WhatsApp Web does: the first 60 s, the next ones 20 s. */
const firstQrMs = 60_000;
const laterQrMs = 20_000;
/** A send that lost its socket is tried again on the next connection this many times. */
const maxSendAttempts = 5;

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
  private readonly reconnects: ReconnectSchedule;
  /** Why the last socket never reached WhatsApp, until a socket does. */
  private unreachable: { reason: string; retryInMs: number } | undefined;
  private justLinked = false;
  private qrShown = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private credsSaved: Promise<void> = Promise.resolve();
  private readonly changes = new Conditions();
  private readonly acks: ServerAcks;
  /** Received messages already reported, by chat and id; enough for Baileys' redeliveries. */
  private readonly reported = new LruCache<string, true>(2_000);

  constructor(
    readonly id: string,
    private readonly context: SessionContext,
  ) {
    // Pacing is about WhatsApp's real time, not the clock that stamps messages (a test's manual one).
    this.pace = new SendPace(systemClock, context.pace);
    this.reconnects = new ReconnectSchedule(context.backoff);
    this.acks = new ServerAcks(context.ackTimeoutMs);
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

  /**
   * A code to type on the phone, once the QR is up (the server registered this client). While
   * WhatsApp is out of reach that never happens: the caller hears so at once.
   */
  async pairingCode(phone: string): Promise<string> {
    if (this.state !== 'linking') {
      throw new ConnectorError('VALIDATION_ERROR', `Session ${this.id} is not linking (it is ${this.state}); start it first`, { sessionId: this.id, state: this.state });
    }
    const registered = () => this.qrShown > 0 || this.state !== 'linking' || this.unreachable !== undefined;
    await this.changes.until(registered, () => 'the server to register the client', this.context.queryTimeoutMs).catch(() => {});
    const sock = this.sock;
    if (this.state === 'linking' && (this.qrShown === 0 || !sock)) throw this.unreachableError();
    if (!sock || this.state !== 'linking') throw notConnected(this.id, this.state);
    let code: string;
    try {
      code = await sock.requestPairingCode(phone.replace(/\D/g, ''));
    } catch (error) {
      if (sock !== this.sock) throw this.unreachableError();
      throw new ConnectorError('ENGINE_ERROR', `WhatsApp gave no pairing code: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
    }
    this.context.emit({ type: 'pairing-code', sessionId: this.id, code });
    return code;
  }

  private unreachableError(): ConnectorError {
    const { reason, retryInMs } = this.unreachable ?? { reason: 'no answer yet', retryInMs: 0 };
    return new ConnectorError('WHATSAPP_UNREACHABLE', `WhatsApp cannot be reached (${reason}); the session tries again in ${seconds(retryInMs)} s`, {
      sessionId: this.id,
      reason,
      retryInMs,
    });
  }

  /**
   * Sends one message under `messageId` and resolves once the server acked it. If the socket drops
   * first, the same message (same id) goes again on the next connection: the recipient's phone
   * shows a message id once, so the retry cannot make a duplicate.
   */
  async deliver(jid: string, content: AnyMessageContent, messageId: string, signal?: AbortSignal, quoted?: WAMessage): Promise<WAMessage> {
    for (let attempt = 1; ; attempt++) {
      const sock = await this.connected(signal);
      const acked = this.acks.expect(messageId);
      try {
        const sent = await untilAborted(sock.sendMessage(jid, content, { messageId, ...(quoted ? { quoted } : {}) }), signal);
        this.acks.startClock(messageId);
        await untilAborted(acked, signal);
        if (!sent) throw new ConnectorError('ENGINE_ERROR', 'Baileys sent nothing');
        return sent;
      } catch (error) {
        this.acks.forget(messageId);
        const lostSocket = error instanceof SocketClosed || statusOf(error) === DisconnectReason.connectionClosed || sock !== this.sock;
        if (signal?.aborted) throw abortError(signal);
        if (!lostSocket) throw toEngineError(error, jid);
        if (attempt >= maxSendAttempts) throw notConnected(this.id, this.state);
        // Baileys reports the close a moment after the socket failed: wait for it, then for the reconnect.
        await this.changes.until(() => this.sock !== sock || this.state !== 'connected', () => 'the lost socket to close', this.context.reconnectWaitMs, signal).catch(() => {});
      }
    }
  }

  private connect(): void {
    const { context } = this;
    const auth = this.auth!;
    const config = socketConfig(context, this.id, auth.state);
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
      if (update.connection === 'close') void this.closed(update.lastDisconnect?.error);
    });
    sock.ev.on('messages.upsert', ({ messages, type }) => void this.received(messages, type === 'notify'));
    sock.ws.on('CB:ack,class:message', (node: BinaryNode) => this.acks.received(node));
    sock.ws.on('CB:receipt', (node: BinaryNode) => {
      for (const receipt of receiptsOf(node)) context.emit({ type: 'receipt', sessionId: this.id, ...receipt });
    });
    // Baileys 7 can hold events in its buffer for up to 30 s; a received message is released soon.
    sock.ws.on('CB:message', () => this.flushSoon(sock));
  }

  private showQr(qr: string): void {
    const validForMs = this.context.qrTimeoutMs ?? (this.qrShown === 0 ? firstQrMs : laterQrMs);
    this.qrShown += 1;
    this.unreachable = undefined;
    this.changes.changed();
    this.context.emit({ type: 'qr', sessionId: this.id, qr, expiresAt: this.context.clock.now() + validForMs });
  }

  private opened(sock: Socket): void {
    this.reconnects.reset();
    this.unreachable = undefined;
    this.jid = jidNormalizedUser(sock.user?.id ?? this.auth!.state.creds.me!.id);
    const newLink = this.justLinked;
    this.justLinked = false;
    this.setState('connected');
    this.context.emit({ type: 'connected', sessionId: this.id, jid: this.jid, newLink });
  }

  private async closed(error: unknown): Promise<void> {
    const loggedIn = this.state === 'connected';
    this.sock = undefined;
    this.changes.changed();
    this.acks.socketClosed('the connection closed before the server acked the message');
    if (!this.wanted) return;
    const after = afterClose(error, { linking: this.state === 'linking', qrShown: this.qrShown, loggedIn });
    if (after.next === 'connect-now') return this.connect();
    if (after.next === 'retry') return this.retryLater(after.unreachable);
    // Every other outcome is final for this process: no timer may bring a socket back.
    this.halt();
    switch (after.next) {
      case 'unlink':
        return this.unlinked(after.reason);
      case 'stop':
        this.context.logger.warn({ sessionId: this.id }, 'the device logged in on another socket, which WhatsApp kept: stopped here, credentials kept');
        return this.setState('stopped', after.reason);
      case 'linking-failed':
        this.setState('failed');
        return this.context.emit({ type: 'link-failed', sessionId: this.id, reason: 'qr-timeout' });
    }
  }

  /** Reconnects after the backoff; a socket that never reached WhatsApp is reported, to the log and the link page. */
  private retryLater(unreachable: string | undefined): void {
    if (this.state !== 'linking') this.setState('reconnecting');
    const retryInMs = this.reconnects.schedule(() => this.wanted && this.connect());
    if (unreachable === undefined) return;
    this.unreachable = { reason: unreachable, retryInMs };
    this.changes.changed();
    this.context.logger.warn({}, `cannot reach WhatsApp (${unreachable}), retrying in ${seconds(retryInMs)} s`);
    this.context.emit({ type: 'unreachable', sessionId: this.id, reason: unreachable, retryInMs });
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
    this.reconnects.cancel();
    this.unreachable = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pace.close();
    const sock = this.sock;
    this.sock = undefined;
    if (sock) void sock.end(undefined);
    this.acks.socketClosed('the session stopped');
  }

  /**
   * Keeps what others send, so a later reaction or forward can name it, then reports each new one
   * once: Baileys may hand the same message over again (a retried decryption, a reconnect), and
   * history (`append`) is kept but not reported.
   */
  private async received(messages: WAMessage[], live: boolean): Promise<void> {
    const { archive, clock, logger } = this.context;
    for (const raw of messages) {
      const incoming = live ? incomingOf(raw, this.jid, clock) : undefined;
      const key = incoming && `${incoming.chat}\n${incoming.id}`;
      if (key !== undefined) {
        if (this.reported.get(key)) continue;
        this.reported.set(key, true);
      }
      for (const message of receivedForArchive([raw], clock)) {
        await archive.save(this.id, message).catch((error: unknown) => logger.error({ err: error }, 'received message not archived'));
      }
      if (incoming) this.context.emit({ type: 'message', sessionId: this.id, message: incoming });
    }
  }

  private flushSoon(sock: Socket): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      sock.ev.flush();
    }, 100);
  }

  private setState(state: SessionState, reason?: 'replaced'): void {
    if (this.state === state) return;
    this.state = state;
    this.changes.changed();
    this.context.emit({ type: 'state', sessionId: this.id, state, ...(reason ? { reason } : {}) });
  }
}

/** `1.5` for 1 500 ms: what a person reads in a log line. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(1).replace(/\.0$/, '');
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
