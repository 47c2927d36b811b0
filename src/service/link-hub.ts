import { displayChat } from '../domain/chat.js';
import type { Clock } from '../domain/clock.js';
import type { EngineEvent, SessionState, WhatsAppEngine } from '../engines/engine.js';
import type { z } from 'zod';
import type { linkEventSchemas } from './api-schemas.js';
import { renderQrPng, ShownQr, type QrRenderer } from './qr-image.js';

/**
 * What a link page is told, event by event (the `/v1/sessions/{id}/link` stream), as
 * `linkEventSchemas` documents it. `unreachable`: the engine cannot reach WhatsApp and tries again in
 * `retryInMs`; the next `qr`, `state` or `connected` supersedes it.
 */
export type LinkEvent = { [E in keyof LinkEventSchemas]: { event: E; data: z.infer<LinkEventSchemas[E]> } }[keyof LinkEventSchemas];

type LinkEventSchemas = typeof linkEventSchemas;

export type LinkWatcher = (event: LinkEvent) => void;

interface Link {
  state: SessionState;
  jid?: string;
  qr?: ShownQr;
  pairingCode?: string;
  failed?: string;
  unreachable?: { reason: string; retryInMs: number };
}

/** A link page following one session, and the QR code it last showed (so it never gets one twice). */
interface Watching {
  send: LinkWatcher;
  shownQr?: string;
}

export interface LinkHubDependencies {
  engine: WhatsAppEngine;
  clock: Clock;
  /** Records what the engine reports: state changes, new links, receipts. */
  onEngineEvent(event: EngineEvent): Promise<void>;
  /** Issues the token of a newly linked session; it is shown once. */
  issueToken(sessionId: string): Promise<{ token: string; tokenId: string }>;
  onError(error: unknown, event: EngineEvent): void;
  /** Draws a QR code for the page. Default: a PNG data URL. */
  renderQr?: QrRenderer;
}

/** How long a token waits for a link page to show it, when none is watching at the moment of linking. */
const pendingTokenMs = 10 * 60_000;

/**
 * Turns engine events into what link pages show, live: the rotating QR (as a PNG data URL, drawn
 * only for a page that watches), the pairing code, the state, WhatsApp out of reach, and the
 * token of a newly linked session, shown exactly once.
 * Events are handled one at a time in arrival order, so a page never sees `connected` before the
 * store knows the session is linked.
 */
export class LinkHub {
  private readonly links = new Map<string, Link>();
  private readonly watchers = new Map<string, Set<Watching>>();
  private readonly pendingTokens = new Map<string, { token: string; tokenId: string; until: number }>();
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly renderQr: QrRenderer;

  constructor(private readonly deps: LinkHubDependencies) {
    this.renderQr = deps.renderQr ?? renderQrPng;
    this.unsubscribe = deps.engine.subscribe((event) => {
      this.queue = this.queue.then(() => this.handle(event)).catch((error: unknown) => deps.onError(error, event));
    });
  }

  /**
   * Sends the session's current picture, then every change. Returns the unsubscribe. Waits for
   * the events already received (and the current QR code's picture), so the picture is never
   * older than the engine's last word.
   */
  async watch(sessionId: string, watcher: LinkWatcher): Promise<() => void> {
    let qr: ShownQr | undefined;
    do {
      await this.queue;
      qr = this.links.get(sessionId)?.qr;
      if (qr) await qr.ready();
    } while (this.links.get(sessionId)?.qr !== qr);
    const watching: Watching = { send: watcher };
    const set = this.watchers.get(sessionId) ?? new Set();
    set.add(watching);
    this.watchers.set(sessionId, set);
    for (const event of this.snapshot(sessionId)) this.deliver(watching, event);
    return () => {
      set.delete(watching);
      if (set.size === 0) this.watchers.delete(sessionId);
    };
  }

  /** The state the hub last saw, if the engine has reported on the session since start. */
  state(sessionId: string): SessionState | undefined {
    return this.links.get(sessionId)?.state;
  }

  /** Resolves when every event received so far has been handled. */
  settled(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.unsubscribe();
  }

  private snapshot(sessionId: string): LinkEvent[] {
    const link = this.links.get(sessionId) ?? this.fromEngine(sessionId);
    if (!link) return [];
    const events: LinkEvent[] = [{ event: 'state', data: stateData(link) }];
    if (link.unreachable) events.push({ event: 'unreachable', data: link.unreachable });
    if (link.state === 'linking' && link.qr) events.push({ event: 'qr', data: link.qr.data });
    if (link.state === 'linking' && link.pairingCode) events.push({ event: 'pairing-code', data: { code: link.pairingCode } });
    if (link.state === 'connected' && link.jid !== undefined) events.push({ event: 'connected', data: { ...connectedData(link.jid), ...this.takeToken(sessionId) } });
    if (link.failed !== undefined && link.state !== 'connected') events.push({ event: 'failed', data: { reason: link.failed } });
    return events;
  }

  private fromEngine(sessionId: string): Link | undefined {
    const status = this.deps.engine.getSessionStatus(sessionId);
    return status && (status.jid === undefined ? { state: status.state } : { state: status.state, jid: status.jid });
  }

  private async handle(event: EngineEvent): Promise<void> {
    await this.deps.onEngineEvent(event);
    if (event.type === 'receipt') return;
    const link = this.links.get(event.sessionId) ?? { state: 'stopped' };
    this.links.set(event.sessionId, link);
    switch (event.type) {
      case 'state':
        link.state = event.state;
        link.unreachable = undefined;
        if (event.state !== 'linking') {
          link.qr = undefined;
          link.pairingCode = undefined;
        }
        this.broadcast(event.sessionId, { event: 'state', data: stateData(link) });
        return;
      case 'qr':
        link.failed = undefined;
        link.unreachable = undefined;
        link.qr = new ShownQr(event.qr, event.expiresAt, this.renderQr);
        // Drawn off the queue: other sessions' events never wait for a picture.
        if (this.watchers.has(event.sessionId)) void this.showQr(event, link, link.qr);
        return;
      case 'pairing-code':
        link.pairingCode = event.code;
        this.broadcast(event.sessionId, { event: 'pairing-code', data: { code: event.code } });
        return;
      case 'unreachable':
        link.unreachable = { reason: event.reason, retryInMs: event.retryInMs };
        // The socket that showed them is gone: its QR and pairing codes link nothing now.
        link.qr = undefined;
        link.pairingCode = undefined;
        this.broadcast(event.sessionId, { event: 'unreachable', data: link.unreachable });
        return;
      case 'connected': {
        link.jid = event.jid;
        link.state = 'connected';
        link.qr = undefined;
        link.unreachable = undefined;
        if (event.newLink) {
          const issued = await this.deps.issueToken(event.sessionId);
          this.pendingTokens.set(event.sessionId, { ...issued, until: this.deps.clock.now() + pendingTokenMs });
        }
        const watchers = this.watchers.get(event.sessionId);
        const token = watchers && watchers.size > 0 ? this.takeToken(event.sessionId) : {};
        this.broadcast(event.sessionId, { event: 'connected', data: { ...connectedData(event.jid), ...token } });
        return;
      }
      case 'link-failed':
        link.failed = event.reason;
        this.broadcast(event.sessionId, { event: 'failed', data: { reason: event.reason } });
        return;
      case 'logged-out':
        link.state = 'logged_out';
        this.broadcast(event.sessionId, { event: 'state', data: stateData(link) });
        return;
    }
  }

  /** Sends a new QR code to the pages watching, once drawn, unless a newer word replaced it meanwhile. */
  private async showQr(event: EngineEvent, link: Link, qr: ShownQr): Promise<void> {
    try {
      await qr.ready();
    } catch (error) {
      this.deps.onError(error, event);
      return;
    }
    if (link.qr === qr && link.state === 'linking') this.broadcast(event.sessionId, { event: 'qr', data: qr.data });
  }

  /** The token, once: whoever takes it first shows it, nobody after. */
  private takeToken(sessionId: string): { token?: string; tokenId?: string } {
    const pending = this.pendingTokens.get(sessionId);
    this.pendingTokens.delete(sessionId);
    if (!pending || pending.until < this.deps.clock.now()) return {};
    return { token: pending.token, tokenId: pending.tokenId };
  }

  private broadcast(sessionId: string, event: LinkEvent): void {
    for (const watching of this.watchers.get(sessionId) ?? []) this.deliver(watching, event);
  }

  private deliver(watching: Watching, event: LinkEvent): void {
    if (event.event === 'qr') {
      if (watching.shownQr === event.data.qr) return;
      watching.shownQr = event.data.qr;
    }
    watching.send(event);
  }
}

function stateData(link: Link): { state: SessionState; jid?: string; phone?: string } {
  return link.jid === undefined ? { state: link.state } : { state: link.state, ...connectedData(link.jid) };
}

function connectedData(jid: string): { jid: string; phone: string } {
  return { jid, phone: displayChat(jid) };
}
