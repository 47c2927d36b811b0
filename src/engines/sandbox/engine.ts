import { Readable } from 'node:stream';
import type { Clock, TimerHandle } from '../../domain/clock.js';
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
import { loggedOut, notConnected } from '../session-errors.js';
import type { NetworkChange } from './content.js';
import { accountJid, newDeviceKeys, type DeviceKeys } from './ids.js';
import type { LinkedDevice, LinkRequest } from './linking.js';
import type { SandboxNetwork } from './network.js';
import { delay, sendThroughNetwork, throwIfAborted } from './outgoing.js';
import { readMediaFile } from './content.js';

export interface SandboxEngineOptions {
  network: SandboxNetwork;
  /** Default: the network's clock. */
  clock?: Clock;
  /** How long the first QR code is valid, as WhatsApp's 60 seconds. */
  firstQrMs?: number;
  /** How long each later QR code is valid. Default 20 000. */
  qrRotationMs?: number;
  /** New QR codes after the first; when the last expires unscanned, linking fails. Default 5. */
  maxQrRotations?: number;
  /** Artificial latency of every send, on the clock. Default 0. */
  sendDelayMs?: number;
  /** Keeps which phone each session is linked to, so a restarted service reconnects without a scan. */
  credentials?: CredentialStore;
}

interface Session {
  readonly id: string;
  state: SessionState;
  jid?: string;
  keys: DeviceKeys;
  request?: LinkRequest;
  qr?: { value: string; expiresAt: number };
  rotations: number;
  timer?: TimerHandle;
  device?: LinkedDevice;
}

/**
 * The WhatsApp engine of the sandbox: sessions are linked devices of the network's virtual phones.
 * A never-linked session shows rotating QR codes until a phone scans one (or enters a pairing
 * code); a linked one reconnects without a scan. Sends go through the network, which applies
 * WhatsApp's rules; receipts come back as events.
 *
 * @example
 * const engine = new SandboxEngine({ network });
 * await engine.startSession('s1');
 * engine.scan('s1', '+79000000000'); // the bot's phone scans the current QR → 'connected'
 */
export class SandboxEngine implements WhatsAppEngine {
  readonly kind = 'sandbox' as const;
  readonly network: SandboxNetwork;
  /** Artificial latency of every send; with a ManualClock a send stays pending until time moves. */
  sendDelayMs: number;
  private readonly clock: Clock;
  private readonly firstQrMs: number;
  private readonly qrRotationMs: number;
  private readonly maxQrRotations: number;
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<EngineListener>();
  private readonly faults: ConnectorError[] = [];
  private readonly stopListening: () => void;
  private readonly credentials: CredentialStore | undefined;

  constructor(options: SandboxEngineOptions) {
    this.network = options.network;
    this.clock = options.clock ?? options.network.clock;
    this.firstQrMs = options.firstQrMs ?? 60_000;
    this.qrRotationMs = options.qrRotationMs ?? 20_000;
    this.maxQrRotations = options.maxQrRotations ?? 5;
    this.sendDelayMs = options.sendDelayMs ?? 0;
    this.credentials = options.credentials;
    this.stopListening = this.network.onChange((change) => {
      this.relayReceipt(change);
      this.relayIncoming(change);
    });
  }

  async startSession(sessionId: string): Promise<void> {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = this.createSession(sessionId);
      const saved = await this.credentials?.load(sessionId);
      if (saved?.jid !== undefined && this.network.isOnWhatsApp(saved.jid)) this.relink(session, saved.jid);
    }
    if (session.state === 'linking' || session.state === 'connected' || session.state === 'reconnecting') return;
    if (session.device && session.jid !== undefined) {
      this.setState(session, 'connected');
      this.emit({ type: 'connected', sessionId, jid: session.jid, newLink: false });
      return;
    }
    this.beginLinking(session);
  }

  async stopSession(sessionId: string): Promise<void> {
    const session = this.session(sessionId);
    if (session.state === 'logged_out' || session.state === 'stopped') return;
    this.endLinking(session);
    this.setState(session, 'stopped');
  }

  async logoutSession(sessionId: string): Promise<void> {
    const session = this.session(sessionId);
    if (session.state === 'logged_out') return;
    this.endLinking(session);
    if (session.device) this.network.linking.detach(session.device);
    session.device = undefined;
    await this.credentials?.clear(sessionId);
    this.setState(session, 'logged_out');
    this.emit({ type: 'logged-out', sessionId, reason: 'logged out' });
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

  async requestPairingCode(sessionId: string, phone: string): Promise<string> {
    const session = this.session(sessionId);
    if (session.state !== 'linking' || !session.request) {
      throw new ConnectorError('VALIDATION_ERROR', `Session ${sessionId} is not linking (it is ${session.state}); start it first`, {
        sessionId,
        state: session.state,
      });
    }
    const code = this.network.linking.offerPairingCode(session.request, accountJid(phone));
    this.emit({ type: 'pairing-code', sessionId, code });
    return code;
  }

  /** The QR code the session shows now, while linking. */
  currentQr(sessionId: string): string | undefined {
    return this.session(sessionId).qr?.value;
  }

  /** The phone scans the session's current QR code (what `POST /v1/sandbox/scan` does). */
  scan(sessionId: string, phone: string): { sessionId: string; jid: string } {
    const qr = this.currentQr(sessionId);
    if (qr === undefined) throw new ConnectorError('VALIDATION_ERROR', `Session ${sessionId} is not showing a QR code`, { sessionId });
    return this.network.scan(qr, phone);
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async checkNumbers(sessionId: string, jids: readonly string[]): Promise<Map<string, boolean>> {
    this.connectedJid(sessionId);
    return new Map(jids.map((jid) => [jid, this.network.isOnWhatsApp(jid)]));
  }

  async send(sessionId: string, message: OutgoingMessage, options: SendOptions): Promise<SentMessage> {
    throwIfAborted(options.signal);
    this.connectedJid(sessionId);
    const fault = this.faults.shift();
    if (fault) throw fault;
    if (this.sendDelayMs > 0) await delay(this.clock, this.sendDelayMs, options.signal);
    const ready = message.type === 'media' && 'path' in message.media ? { ...message, media: await readMediaFile(message.media) } : message;
    throwIfAborted(options.signal);
    return sendThroughNetwork(this.network, this.connectedJid(sessionId), ready, options.messageId);
  }

  /** The sandbox keeps the bytes of pictures only (they are drawn on its page); other files are known by their hash. */
  async openMedia(sessionId: string, ref: { id: string; chat?: string }): Promise<MediaDownload> {
    const record = await this.findMessage(sessionId, ref);
    if (!record) throw new ConnectorError('MESSAGE_NOT_FOUND', `No message ${ref.id} in this session's chats`, { id: ref.id });
    const file = this.network.fileOf(this.session(sessionId).jid!, ref);
    if (!file) throw new ConnectorError('NO_MEDIA', `Message ${ref.id} carries no file`, { id: ref.id });
    const { mimeType, fileName, size } = file.media;
    if (!file.bytes) throw new ConnectorError('MEDIA_UNAVAILABLE', `The sandbox keeps only the fingerprint of "${fileName}", not its bytes`, { id: ref.id });
    return { mimeType, fileName, size, stream: Readable.from([Buffer.from(file.bytes)]) };
  }

  async findMessage(sessionId: string, ref: { id: string; chat?: string }): Promise<MessageRecord | undefined> {
    const session = this.session(sessionId);
    if (session.state === 'logged_out') throw loggedOut(sessionId);
    if (session.jid === undefined) throw notConnected(sessionId, session.state);
    return this.network.findRecord(session.jid, ref);
  }

  /** The next send fails with `error` and sends nothing; call again to fail several. */
  failNextSend(error: ConnectorError): void {
    this.faults.push(error);
  }

  /** Stops every timer and stops listening to the network. */
  close(): void {
    for (const session of this.sessions.values()) this.endLinking(session);
    this.stopListening();
  }

  private createSession(sessionId: string): Session {
    const session: Session = { id: sessionId, state: 'stopped', keys: newDeviceKeys(), rotations: 0 };
    this.sessions.set(sessionId, session);
    return session;
  }

  private beginLinking(session: Session): void {
    this.endLinking(session);
    session.jid = undefined;
    session.device = undefined;
    session.keys = newDeviceKeys();
    session.rotations = 0;
    const request: LinkRequest = { sessionId: session.id, linked: (jid) => this.completeLink(session, request, jid) };
    session.request = request;
    this.setState(session, 'linking');
    this.showQr(session, request, this.firstQrMs);
  }

  private showQr(session: Session, request: LinkRequest, validForMs: number): void {
    const value = this.network.linking.showQr(request, session.keys);
    const expiresAt = this.clock.now() + validForMs;
    session.qr = { value, expiresAt };
    session.timer = this.clock.setTimeout(() => this.qrExpired(session, request), validForMs);
    this.emit({ type: 'qr', sessionId: session.id, qr: value, expiresAt });
  }

  private qrExpired(session: Session, request: LinkRequest): void {
    session.timer = undefined;
    if (session.request !== request || session.state !== 'linking') return;
    if (session.rotations < this.maxQrRotations) {
      session.rotations += 1;
      this.showQr(session, request, this.qrRotationMs);
      return;
    }
    this.endLinking(session);
    this.setState(session, 'failed');
    this.emit({ type: 'link-failed', sessionId: session.id, reason: 'qr-timeout' });
  }

  private completeLink(session: Session, request: LinkRequest, jid: string): void {
    if (session.request !== request) return;
    this.endLinking(session);
    this.relink(session, jid);
    this.setState(session, 'connected');
    this.emit({ type: 'connected', sessionId: session.id, jid, newLink: true });
    this.credentials?.save(session.id, { jid }).catch(() => {
      // The link works for this run; without saved credentials the next start asks for a scan.
    });
  }

  /** Attaches the session as a linked device of `jid`'s phone. */
  private relink(session: Session, jid: string): void {
    session.jid = jid;
    const device: LinkedDevice = { sessionId: session.id, jid, removed: (reason) => this.removedByPhone(session, device, reason) };
    session.device = device;
    this.network.linking.attach(device);
  }

  private removedByPhone(session: Session, device: LinkedDevice, reason: string): void {
    if (session.device !== device) return;
    session.device = undefined;
    this.endLinking(session);
    this.credentials?.clear(session.id).catch(() => {
      // Stale credentials are refused by the network on the next start anyway.
    });
    this.setState(session, 'logged_out');
    this.emit({ type: 'logged-out', sessionId: session.id, reason });
  }

  private endLinking(session: Session): void {
    if (session.timer !== undefined) this.clock.clearTimeout(session.timer);
    if (session.request) this.network.linking.withdraw(session.request);
    session.timer = undefined;
    session.request = undefined;
    session.qr = undefined;
  }

  private relayReceipt(change: NetworkChange): void {
    if (change.type !== 'receipt') return;
    const { chat, id, from } = change.message;
    for (const session of this.sessions.values()) {
      if (session.device && session.jid === from) {
        this.emit({ type: 'receipt', sessionId: session.id, message: { chat, id, fromMe: true }, status: change.status });
      }
    }
  }

  private relayIncoming(change: NetworkChange): void {
    if (change.type === 'chat' || change.type === 'receipt') return;
    for (const session of this.sessions.values()) {
      if (!session.device || session.jid === undefined) continue;
      const message = this.network.incomingFor(session.jid, change);
      if (message) this.emit({ type: 'message', sessionId: session.id, message });
    }
  }

  private session(sessionId: string): Session {
    const session = this.sessions.get(sessionId);
    if (!session) throw new ConnectorError('SESSION_NOT_FOUND', `No session ${sessionId}`, { sessionId });
    return session;
  }

  private connectedJid(sessionId: string): string {
    const session = this.session(sessionId);
    if (session.state === 'logged_out') throw loggedOut(sessionId);
    if (session.state !== 'connected' || session.jid === undefined) throw notConnected(sessionId, session.state);
    return session.jid;
  }

  private setState(session: Session, state: SessionState): void {
    if (session.state === state) return;
    session.state = state;
    this.emit({ type: 'state', sessionId: session.id, state });
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
