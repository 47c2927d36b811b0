import { createHash } from 'node:crypto';
import type { ActionResult } from '../domain/result.js';

/** What is remembered of a finished action under its idempotency key. */
export interface IdempotencyRecord {
  requestHash: string;
  result: ActionResult;
}

/**
 * Where finished actions are remembered. In-process use keeps them in memory; the service keeps
 * them in its database beside the sent messages.
 */
export interface IdempotencyStore {
  get(sessionId: string, key: string): Promise<IdempotencyRecord | undefined>;
  put(sessionId: string, key: string, record: IdempotencyRecord): Promise<void>;
}

/** Remembers the most recent `capacity` actions; older keys are forgotten first. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private records = new Map<string, IdempotencyRecord>();

  constructor(private readonly capacity = 100_000) {}

  async get(sessionId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.records.get(`${sessionId}\0${key}`);
  }

  async put(sessionId: string, key: string, record: IdempotencyRecord): Promise<void> {
    const id = `${sessionId}\0${key}`;
    this.records.delete(id);
    this.records.set(id, record);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }
}

/** A stable hash of an action request: same action and same input (any key order) → same hash. */
export function hashRequest(action: string, input: unknown): string {
  return createHash('sha256').update(action).update('\0').update(canonicalJson(input)).digest('base64url');
}

/**
 * The WhatsApp message id of part `part` of the action under `key`: a retry of the same action
 * reuses the same ids, so WhatsApp (and the sandbox) drops the duplicate instead of showing it twice.
 * Shaped like the ids WhatsApp Web clients make (`3EB0` and 18 upper-case hex digits).
 */
export function deriveMessageId(sessionId: string, key: string, part: number): string {
  const digest = createHash('sha256').update(`${sessionId}\0${key}\0${part}`).digest('hex');
  return `3EB0${digest.slice(0, 18).toUpperCase()}`;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    // A null prototype keeps a data key named "__proto__" an ordinary key.
    const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const name of Object.keys(inner).sort()) sorted[name] = (inner as Record<string, unknown>)[name];
    return sorted;
  }) ?? 'undefined';
}
