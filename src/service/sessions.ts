import type { z } from 'zod';
import type { sessionViewSchema } from './api-schemas.js';
import { displayChat } from '../domain/chat.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import type { EngineEvent, WhatsAppEngine } from '../engines/engine.js';
import type { SessionRecord, Store } from '../store/index.js';
import { otherEngineError, restoreSessions, UnavailableSessions, type RestoreReport } from './session-restore.js';
import { generateToken, hashSecret, newId } from './secrets.js';

/** A session as the admin API shows it. */
export type SessionView = z.infer<typeof sessionViewSchema>;

export interface SessionServiceOptions {
  store: Store;
  engine: WhatsAppEngine;
  clock: Clock;
  /** `linkUrl(id)` → the link page's address as people reach it. */
  linkUrl(sessionId: string): string;
  /** Sessions that may be linking at once (`CONNECTOR_MAX_LINKING`); one more is RATE_LIMITED. */
  maxLinking: number;
  /** Cluster mode: which node holds each session (see `ClusterNode.ownerOf`). */
  owners?: (sessionIds: string[]) => Promise<Map<string, string>>;
  /** Starts a new session's linking; in a cluster, by taking its lease (docs/cluster.md). `engine.startSession` by default. */
  startNew?: (sessionId: string) => Promise<void>;
}

/**
 * The token service's rules: sessions are created by an admin and linked by a person on the link
 * page; a newly linked session gets a token; tokens reach exactly one session and stop working
 * when it is logged out or they are revoked.
 */
/**
 * How long a checked token is trusted without asking the store again. Revocations and logouts
 * on this node apply at once; on another node sharing the database, within this time.
 */
const tokenCacheMs = 2_000;
const tokenCacheSize = 10_000;

export class SessionService {
  private readonly checkedTokens = new Map<string, { sessionId: string; tokenId: string; until: number }>();
  /** Links being started: counted until the engine reports them `linking`, so a burst cannot slip past the limit. */
  private starting = 0;
  /** Sessions this node cannot act for; actions on them answer their error. */
  readonly unavailable = new UnavailableSessions();

  constructor(private readonly options: SessionServiceOptions) {}

  async create(label: string | undefined): Promise<SessionView> {
    const { store, engine } = this.options;
    const sessionId = newId('ses');
    await this.startLinking(async () => {
      await store.sessions.create(sessionId, label, engine.kind);
      await (this.options.startNew ?? ((id: string) => engine.startSession(id)))(sessionId);
    });
    return this.get(sessionId);
  }

  async list(): Promise<SessionView[]> {
    return this.withOwners((await this.options.store.sessions.list()).map((row) => this.view(row)));
  }

  async get(sessionId: string): Promise<SessionView> {
    const view = this.view(await this.row(sessionId));
    return (await this.withOwners([view]))[0] ?? view;
  }

  private async withOwners(views: SessionView[]): Promise<SessionView[]> {
    if (!this.options.owners) return views;
    const owners = await this.options.owners(views.map((view) => view.sessionId));
    return views.map((view) => ({ ...view, owner: owners.get(view.sessionId) ?? null }));
  }

  /** Logs the device out and revokes every token of the session. */
  async remove(sessionId: string): Promise<SessionView> {
    const { store, engine } = this.options;
    await this.row(sessionId);
    if (engine.getSessionStatus(sessionId)) await engine.logoutSession(sessionId);
    await store.sessions.updateState(sessionId, 'logged_out');
    await store.tokens.revokeAllForSession(sessionId);
    this.forgetTokens((entry) => entry.sessionId === sessionId);
    return this.get(sessionId);
  }

  /** A further token for a linked session (the first is issued when it links). */
  async createToken(sessionId: string): Promise<{ tokenId: string; token: string; sessionId: string }> {
    const row = await this.row(sessionId);
    if (row.state === 'logged_out') throw loggedOut(sessionId);
    if (row.jid === null) {
      throw new ConnectorError('SESSION_NOT_CONNECTED', `Session ${sessionId} is not linked yet; open its link page and scan the QR code`, { sessionId });
    }
    return { ...(await this.issueToken(sessionId)), sessionId };
  }

  async issueToken(sessionId: string): Promise<{ token: string; tokenId: string }> {
    const token = generateToken();
    const { id: tokenId } = await this.options.store.tokens.create(sessionId, hashSecret(token));
    return { token, tokenId };
  }

  async revokeToken(tokenId: string): Promise<void> {
    const revoked = await this.options.store.tokens.revoke(tokenId);
    this.forgetTokens((entry) => entry.tokenId === tokenId);
    if (!revoked) throw new ConnectorError('TOKEN_NOT_FOUND', `No active token ${tokenId}`, { tokenId });
  }

  /**
   * The session a bearer token acts for. A wrong or revoked token is UNAUTHORIZED; the token of a
   * logged-out session is SESSION_LOGGED_OUT, so the process designer knows to link again.
   */
  async authenticate(token: string): Promise<{ sessionId: string; tokenId: string }> {
    const hash = hashSecret(token);
    const now = this.options.clock.now();
    const checked = this.checkedTokens.get(hash);
    if (checked && checked.until > now) return { sessionId: checked.sessionId, tokenId: checked.tokenId };
    const verified = await this.verify(hash);
    if (this.checkedTokens.size >= tokenCacheSize) this.checkedTokens.clear();
    this.checkedTokens.set(hash, { ...verified, until: now + tokenCacheMs });
    return verified;
  }

  private async verify(hash: string): Promise<{ sessionId: string; tokenId: string }> {
    const found = await this.options.store.tokens.findByHash(hash);
    if (!found) throw new ConnectorError('UNAUTHORIZED', 'The token is unknown or was revoked');
    // A logout revokes the session's tokens too; its code tells the designer to link again.
    const row = await this.options.store.sessions.get(found.sessionId);
    if (!row || row.state === 'logged_out') throw loggedOut(found.sessionId);
    if (found.revokedAt !== null) throw new ConnectorError('UNAUTHORIZED', 'The token is unknown or was revoked');
    return { sessionId: found.sessionId, tokenId: found.id };
  }

  /** A link page opened again after its QR codes ran out starts a fresh round of them. */
  async resumeLinking(sessionId: string): Promise<void> {
    const { store, engine } = this.options;
    const row = await this.row(sessionId);
    // Linking it here would overwrite the credentials the other engine keeps for it.
    const owner = row.engine ?? (await store.sessions.claim(sessionId, engine.kind));
    if (owner !== undefined && owner !== engine.kind) throw otherEngineError(sessionId, owner, engine.kind);
    const engineState = engine.getSessionStatus(sessionId)?.state;
    if (row.jid === null && row.state !== 'logged_out' && engineState !== 'linking') await this.startLinking(() => engine.startSession(sessionId));
  }

  /**
   * Runs `start` unless `maxLinking` sessions are linking already: each one holds a socket and
   * rotates QR codes, so thousands at once starve everything else of CPU.
   */
  private async startLinking(start: () => Promise<void>): Promise<void> {
    const { engine, maxLinking } = this.options;
    if (engine.countSessions('linking') + this.starting >= maxLinking) {
      throw new ConnectorError('RATE_LIMITED', `${maxLinking} sessions are linking already (CONNECTOR_MAX_LINKING); try again once one of them links or its QR codes run out`, {
        maxLinking,
      });
    }
    this.starting += 1;
    try {
      await start();
    } finally {
      this.starting -= 1;
    }
  }

  /** On start: reconnect this engine's linked sessions and resume linking (see `restoreSessions`). */
  restoreAll(): Promise<RestoreReport> {
    return restoreSessions(this.options.store, this.options.engine, this.unavailable);
  }

  /** Keeps the store in step with what the engine reports. */
  async record(event: EngineEvent): Promise<void> {
    const { store, clock } = this.options;
    switch (event.type) {
      case 'state':
        await store.sessions.updateState(event.sessionId, event.state);
        return;
      case 'connected':
        await store.sessions.updateState(event.sessionId, 'connected', { jid: event.jid });
        this.unavailable.clear(event.sessionId);
        await store.sessions.touch(event.sessionId, clock.now());
        return;
      case 'logged-out':
        await store.sessions.updateState(event.sessionId, 'logged_out');
        this.forgetTokens((entry) => entry.sessionId === event.sessionId);
        return;
      case 'receipt':
        await store.messages.updateStatus(event.sessionId, event.message.id, event.status);
        return;
      default:
        return;
    }
  }

  private forgetTokens(matches: (entry: { sessionId: string; tokenId: string }) => boolean): void {
    for (const [hash, entry] of this.checkedTokens) if (matches(entry)) this.checkedTokens.delete(hash);
  }

  private async row(sessionId: string): Promise<SessionRecord> {
    const row = await this.options.store.sessions.get(sessionId);
    if (!row) throw new ConnectorError('SESSION_NOT_FOUND', `No session ${sessionId}`, { sessionId });
    return row;
  }

  private reason(row: SessionRecord): string | null {
    const kind = this.options.engine.kind;
    if (row.engine !== null && row.engine !== kind) return `linked by the ${row.engine} engine; this service runs ${kind}`;
    return row.state === 'failed' ? row.failure : null;
  }

  private view(row: SessionRecord): SessionView {
    return {
      sessionId: row.id,
      state: row.state,
      label: row.label,
      engine: row.engine,
      reason: this.reason(row),
      jid: row.jid,
      phone: row.jid === null ? null : displayChat(row.jid),
      linkUrl: this.options.linkUrl(row.id),
      createdAt: iso(row.createdAt),
      linkedAt: row.linkedAt === null ? null : iso(row.linkedAt),
      lastSeenAt: row.lastSeenAt === null ? null : iso(row.lastSeenAt),
    };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function loggedOut(sessionId: string): ConnectorError {
  return new ConnectorError('SESSION_LOGGED_OUT', `Session ${sessionId} was logged out; link the phone again`, { sessionId });
}
