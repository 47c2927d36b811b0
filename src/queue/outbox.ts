import type { ActionName, ActionParams } from '../domain/actions.js';
import type { ErrorCode } from '../domain/errors.js';
import type { IdempotencyRecord, IdempotencyStore } from '../actions/idempotency.js';

/** An accepted action, as durable as the outbox that holds it: enough to perform it again after a crash. */
export interface OutboxEntry {
  sessionId: string;
  key: string;
  /** Time-ordered: a session's actions are performed in this order. */
  seq: string;
  requestHash: string;
  action: ActionName;
  params: ActionParams[ActionName];
  /** The id its first WhatsApp message gets (derived from the key, so known before it is sent). */
  messageId: string;
  /** The chat it is for (a JID), when the action names one. */
  chat?: string;
  /** Answered `202` at once (`Prefer: respond-async`): it has no caller waiting and no deadline of one. */
  respondAsync: boolean;
  /** Milliseconds since the epoch after which it must not be sent (the caller's deadline). */
  deadline?: number;
  acceptedAt: number;
}

export interface OutboxFailure {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** `queued`: waiting its turn or being sent. `failed`: ended without a result; a retry may take it again. */
export type OutboxState = 'queued' | 'failed';

export interface OutboxRow extends OutboxEntry {
  state: OutboxState;
  error?: OutboxFailure;
  updatedAt: number;
}

export type ClaimOutcome = { claimed: true } | { claimed: false; existing: OutboxRow };

/**
 * Where accepted actions wait until their result is recorded. An entry is also the claim on its
 * idempotency key: of concurrent requests with one key, on any node, exactly one `claim` succeeds.
 * The entry leaves when its result is recorded, in the same transaction (`complete`).
 */
export interface Outbox {
  /** Records the result under the key (as `IdempotencyStore.put`) and removes the entry, at once. */
  complete(sessionId: string, key: string, record: IdempotencyRecord): Promise<void>;
  /** Records the entry unless one with its session and key is there; then answers that one. */
  claim(entry: OutboxEntry): Promise<ClaimOutcome>;
  /** A `failed` entry becomes `entry` (queued again); false when another request took it first. */
  retake(entry: OutboxEntry): Promise<boolean>;
  /** The action ended without a result: it stays, `failed`, so its status can be read and a retry can take it. */
  fail(sessionId: string, key: string, failure: OutboxFailure): Promise<void>;
  /** A still `queued` entry gets new params (an edit before it was sent); false when it is no longer queued. */
  amend(sessionId: string, key: string, params: OutboxEntry['params']): Promise<boolean>;
  /** A still `queued` entry is never to be sent (a deletion before it was sent): `failed` with `failure`; false when it is no longer queued. */
  withdraw(sessionId: string, key: string, failure: OutboxFailure): Promise<boolean>;
  get(sessionId: string, key: string): Promise<OutboxRow | undefined>;
  /** The entry whose first message has this id. */
  byMessage(sessionId: string, messageId: string): Promise<OutboxRow | undefined>;
  /** Entries still `queued`, each session's in order: what a restart or a new owner performs. */
  queued(sessionIds?: readonly string[]): Promise<OutboxRow[]>;
}

/** The outbox of an in-process runner: as durable as the process. */
export class MemoryOutbox implements Outbox {
  private readonly rows = new Map<string, OutboxRow>();

  constructor(private readonly results: IdempotencyStore) {}

  async complete(sessionId: string, key: string, record: IdempotencyRecord): Promise<void> {
    await this.results.put(sessionId, key, record);
    this.rows.delete(entryKey(sessionId, key));
  }

  async claim(entry: OutboxEntry): Promise<ClaimOutcome> {
    const existing = this.rows.get(entryKey(entry.sessionId, entry.key));
    if (existing) return { claimed: false, existing };
    this.rows.set(entryKey(entry.sessionId, entry.key), { ...entry, state: 'queued', updatedAt: entry.acceptedAt });
    return { claimed: true };
  }

  async retake(entry: OutboxEntry): Promise<boolean> {
    if (this.rows.get(entryKey(entry.sessionId, entry.key))?.state !== 'failed') return false;
    this.rows.set(entryKey(entry.sessionId, entry.key), { ...entry, state: 'queued', updatedAt: entry.acceptedAt });
    return true;
  }

  async fail(sessionId: string, key: string, failure: OutboxFailure): Promise<void> {
    const row = this.rows.get(entryKey(sessionId, key));
    if (row) this.rows.set(entryKey(sessionId, key), { ...row, state: 'failed', error: failure });
  }

  async amend(sessionId: string, key: string, params: OutboxEntry['params']): Promise<boolean> {
    const row = this.rows.get(entryKey(sessionId, key));
    if (row?.state !== 'queued') return false;
    this.rows.set(entryKey(sessionId, key), { ...row, params });
    return true;
  }

  async withdraw(sessionId: string, key: string, failure: OutboxFailure): Promise<boolean> {
    const row = this.rows.get(entryKey(sessionId, key));
    if (row?.state !== 'queued') return false;
    this.rows.set(entryKey(sessionId, key), { ...row, state: 'failed', error: failure });
    return true;
  }

  async get(sessionId: string, key: string): Promise<OutboxRow | undefined> {
    return this.rows.get(entryKey(sessionId, key));
  }

  async byMessage(sessionId: string, messageId: string): Promise<OutboxRow | undefined> {
    for (const row of this.rows.values()) if (row.sessionId === sessionId && row.messageId === messageId) return row;
    return undefined;
  }

  async queued(sessionIds?: readonly string[]): Promise<OutboxRow[]> {
    const wanted = sessionIds && new Set(sessionIds);
    return [...this.rows.values()].filter((row) => row.state === 'queued' && (!wanted || wanted.has(row.sessionId))).sort((a, b) => (a.seq < b.seq ? -1 : 1));
  }
}

/** One string for an entry's (session, key): the outbox's own map and the queue's attempts use it. */
export function entryKey(sessionId: string, key: string): string {
  return `${sessionId}\0${key}`;
}
