import { randomUUID } from 'node:crypto';
import { parseActionInput, type ActionName, type ActionParams } from '../domain/actions.js';
import { normalizeChat } from '../domain/chat.js';
import type { Clock, TimerHandle } from '../domain/clock.js';
import { ConnectorError, toConnectorError } from '../domain/errors.js';
import type { ActionResult, ActionResults } from '../domain/result.js';
import { abortError, throwIfAborted, untilAborted } from '../actions/abort.js';
import { deriveMessageId, hashRequest, type IdempotencyStore } from '../actions/idempotency.js';
import { SessionLanes } from './lanes.js';
import { entryKey, type Outbox, type OutboxEntry, type OutboxRow } from './outbox.js';
import { QueuedChanges, withdrawnError } from './queued-changes.js';

/** Performs one accepted action: the sender code, the same for a fresh request and a recovered entry. */
export type PerformAction = (entry: OutboxEntry, signal: AbortSignal | undefined) => Promise<ActionResult>;

export interface ActionQueueOptions {
  perform: PerformAction;
  outbox: Outbox;
  /** Where finished actions are read back (the outbox's `complete` writes them). */
  results: IdempotencyStore;
  clock: Clock;
  /** Actions one session may have waiting or running; one more is RATE_LIMITED. */
  maxQueuedPerSession: number;
  /** In a cluster: whether this node owns a session, and how an action reaches the node that does. */
  owner?: SessionOwner;
  /** Aborted (with SHUTTING_DOWN) when the process stops: what has not been sent stays queued for the next owner. */
  stop?: AbortSignal;
  /** How soon a request whose key another node is sending looks again for its result (it backs off to 8×). */
  pollMs?: number;
  /** Hears each action performed here end: its result once WhatsApp took it, or why it failed (not a stop). */
  onSettled?: (entry: OutboxEntry, outcome: { result: ActionResult } | { error: ConnectorError }) => void;
}

/** Where a session's actions are performed, in a cluster (see `OwnerRouting`). */
export interface SessionOwner {
  isLocal(sessionId: string): boolean;
  forward(entry: OutboxEntry): Promise<void>;
}

export interface SubmitOptions {
  /** Same key and same input → the same result and no second send. A random key when omitted. */
  idempotencyKey?: string;
  /** The caller stopped waiting (or the service stops): an action still waiting is withdrawn. */
  signal?: AbortSignal;
  /** Answer as soon as the action is durable, without waiting for WhatsApp (`Prefer: respond-async`). */
  respondAsync?: boolean;
  /** Milliseconds since the epoch after which the action must not be sent any more. */
  deadline?: number;
}

/** What `submit` answers: the action's result, or (asked to respond at once) its accepted entry. */
export type Submitted<A extends ActionName> = { kind: 'done'; result: ActionResults[A] } | { kind: 'accepted'; entry: OutboxRow };

/** What stands under a key once it is durable: a result already recorded, or the queued entry. */
type Accepted = { done: ActionResult } | { queued: OutboxRow };

interface Attempt {
  requestHash: string;
  /** Aborts at the attempt's deadline, when its caller gives up, or when the process stops. */
  signal: AbortSignal;
  /** Settles once the action is durable (or was done before). */
  accepted: Promise<Accepted>;
  /** `remote`: another node performs it and this one only waits for the outcome, so it may still perform it here (a failover). */
  where?: { remote: boolean };
  result: Promise<ActionResult>;
  /** Ends the wait at once with `reason` (a deletion withdrew the message). */
  abort: (reason: unknown) => void;
}

/** The key's state changed between reading and claiming it: decide again. */
class KeyChanged extends Error {}

/**
 * Accepts actions durably and performs them once each, in order per session: an action is
 * recorded in the outbox (its claim on the idempotency key) before anything is sent, performed
 * in its session's lane, and its result recorded with its entry removed in one transaction.
 * Requests with one key share one attempt and one answer, also across nodes (the outbox's claim
 * decides); another input under the key is IDEMPOTENCY_CONFLICT. See docs/queue.md.
 *
 * @example const answer = await queue.submit(sessionId, 'sendMessage', { chat, text }, { idempotencyKey: 'order-42' });
 */
export class ActionQueue {
  private readonly lanes: SessionLanes;
  /** Edits and deletions of messages still waiting here change or withdraw them (see `QueuedChanges`). */
  private readonly changes: QueuedChanges;
  private readonly inFlight = new Map<string, Attempt>();
  private sequence = 0;

  constructor(private readonly options: ActionQueueOptions) {
    this.lanes = new SessionLanes(options.maxQueuedPerSession);
    // A withdrawn message's caller hears so at once, not when its turn would have come.
    this.changes = new QueuedChanges(options.outbox, options.clock, (row) => this.inFlight.get(entryKey(row.sessionId, row.key))?.abort(withdrawnError(row)));
  }

  /** Actions of a session waiting or being sent on this node. */
  depth(sessionId: string): number {
    return this.lanes.depth(sessionId);
  }

  async submit<A extends ActionName>(sessionId: string, action: A, input: unknown, options: SubmitOptions = {}): Promise<Submitted<A>> {
    const params = parseActionInput(action, input);
    const key = options.idempotencyKey ?? randomUUID();
    const requestHash = hashRequest(action, params);
    for (;;) {
      const answer = await this.tryOnce(sessionId, action, params, key, requestHash, options);
      if (answer) return answer as Submitted<A>;
    }
  }

  /** Performs what the outbox still holds for these sessions (all when omitted): after a restart, or on a new owner. */
  async recover(sessionIds?: readonly string[]): Promise<number> {
    let count = 0;
    for (const entry of await this.options.outbox.queued(sessionIds)) {
      if (this.performingHere(entry.sessionId, entry.key)) continue;
      this.performEntry(entry).catch(() => undefined);
      count += 1;
    }
    return count;
  }

  /**
   * Performs the queued action under the key, once: what the session's owner does for an action
   * another node accepted. Its outcome is recorded (result or failure), not thrown.
   */
  async performQueued(sessionId: string, key: string): Promise<void> {
    const running = this.inFlight.get(entryKey(sessionId, key));
    if (running && !running.where?.remote) return void (await running.result.catch(() => undefined));
    if (await this.options.results.get(sessionId, key)) return;
    const entry = await this.options.outbox.get(sessionId, key);
    if (entry?.state === 'queued') await this.performEntry(entry).catch(() => undefined);
  }

  private performingHere(sessionId: string, key: string): boolean {
    const running = this.inFlight.get(entryKey(sessionId, key));
    return running !== undefined && !running.where?.remote;
  }

  private performEntry(entry: OutboxRow): Promise<ActionResult> {
    const deadline = this.deadlineOf(entry, undefined);
    const result = this.execute(entry, deadline.signal, true);
    result.then(deadline.clear, deadline.clear);
    this.track(entryKey(entry.sessionId, entry.key), { requestHash: entry.requestHash, signal: deadline.signal, accepted: Promise.resolve({ queued: entry }), result, abort: deadline.abort });
    return result;
  }

  /** Resolves once nothing is waiting or being sent. */
  async idle(): Promise<void> {
    await this.lanes.idle();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()].map((attempt) => attempt.result));
  }

  /** One round: an answer, or undefined when the key's state changed under us and the round must run again. */
  private async tryOnce(sessionId: string, action: ActionName, params: ActionParams[ActionName], key: string, requestHash: string, options: SubmitOptions): Promise<Submitted<ActionName> | undefined> {
    const id = entryKey(sessionId, key);
    let attempt = this.inFlight.get(id);
    const shared = attempt !== undefined;
    if (attempt && attempt.requestHash !== requestHash) throw conflict(key);
    if (!attempt) {
      this.lanes.assertRoom(sessionId);
      // Registered before the first await, so a concurrent call with the key joins this attempt.
      attempt = this.begin(this.entryFor(sessionId, action, params, key, requestHash, options), options.signal);
      this.track(id, attempt);
    }
    try {
      if (options.respondAsync) {
        const accepted = await attempt.accepted;
        return 'done' in accepted ? { kind: 'done', result: accepted.done } : { kind: 'accepted', entry: accepted.queued };
      }
      // The attempt's own caller is answered at its deadline, also while the action still waits its turn.
      return { kind: 'done', result: await untilAborted(attempt.result, shared ? options.signal : attempt.signal) };
    } catch (error) {
      const gaveUp = shared ? options.signal : attempt.signal;
      if (gaveUp?.aborted) throw abortError(gaveUp);
      // The key's state changed under this attempt, or a shared one recorded nothing (its caller
      // may have given up on it): another round decides again.
      if (error instanceof KeyChanged || shared) return undefined;
      throw error;
    }
  }

  /** Claims the key and performs the action, or joins what already stands under the key. */
  private begin(entry: OutboxEntry, callerSignal: AbortSignal | undefined): Attempt {
    const { results, outbox } = this.options;
    const deadline = this.deadlineOf(entry, callerSignal);
    const { signal } = deadline;
    let accept!: (accepted: Accepted) => void;
    let refuse!: (error: unknown) => void;
    const accepted = new Promise<Accepted>((resolve, reject) => ((accept = resolve), (refuse = reject)));
    accepted.catch(() => undefined);
    const where = { remote: false };
    const result = (async (): Promise<ActionResult> => {
      try {
        const earlier = await results.get(entry.sessionId, entry.key);
        if (earlier) {
          if (earlier.requestHash !== entry.requestHash) throw conflict(entry.key);
          accept({ done: earlier.result });
          return earlier.result;
        }
        const claim = await outbox.claim(entry);
        if (!claim.claimed) {
          const { existing } = claim;
          if (existing.requestHash !== entry.requestHash) throw conflict(entry.key);
          if (existing.state !== 'failed') {
            accept({ queued: existing });
            where.remote = true;
            // Another node sends it (or sent it a moment ago): its result is this request's answer.
            return await this.awaitElsewhere(entry.sessionId, entry.key, signal, false);
          }
          // The earlier attempt ended without a result, so this request tries again, if it is first to.
          if (!(await outbox.retake(entry))) throw new KeyChanged();
        }
        accept({ queued: asQueued(entry) });
        const { owner } = this.options;
        if (owner && !owner.isLocal(entry.sessionId)) {
          // Another node holds the session's socket: it sends, and records the outcome here.
          where.remote = true;
          await owner.forward(entry);
          return await this.awaitElsewhere(entry.sessionId, entry.key, signal, true);
        }
        return await this.execute(entry, signal, false);
      } catch (error) {
        refuse(error);
        throw error;
      } finally {
        deadline.clear();
      }
    })();
    result.catch(() => undefined);
    return { requestHash: entry.requestHash, signal, accepted, result, where, abort: deadline.abort };
  }

  private track(id: string, attempt: Attempt): void {
    this.inFlight.set(id, attempt);
    const forget = (): void => {
      if (this.inFlight.get(id) === attempt) this.inFlight.delete(id);
    };
    attempt.result.then(forget, forget);
  }

  private entryFor(sessionId: string, action: ActionName, params: ActionParams[ActionName], key: string, requestHash: string, options: SubmitOptions): OutboxEntry {
    const now = this.options.clock.now();
    const chat = chatOf(params);
    return {
      sessionId,
      key,
      // Milliseconds, then this process's count: in order within one millisecond too.
      seq: `${String(now).padStart(15, '0')}.${String(this.sequence++).padStart(12, '0')}`,
      requestHash,
      action,
      params,
      messageId: deriveMessageId(sessionId, key, 0),
      ...(chat !== undefined ? { chat } : {}),
      respondAsync: options.respondAsync === true,
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      acceptedAt: now,
    };
  }

  /** The entry's deadline, the caller's signal and the process's stop, as one signal. */
  private deadlineOf(entry: OutboxEntry, callerSignal: AbortSignal | undefined): Deadline {
    const signals = [callerSignal, this.options.stop].filter((signal) => signal !== undefined);
    return new Deadline(this.options.clock, entry.deadline, signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
  }

  /**
   * Sends in the session's lane, then records the outcome outside it: the next action's send need
   * not wait for this one's commit (order is the sends' order; a crash between the two resends the
   * same message ids, which WhatsApp shows once).
   */
  private async execute(entry: OutboxEntry, signal: AbortSignal, recovered: boolean): Promise<ActionResult> {
    const { outbox } = this.options;
    try {
      // An edit or deletion of a message still waiting its turn changes it there, without waiting behind it.
      const changed = await this.changes.tryChange(entry);
      const result = changed ?? await this.lanes.run(
        entry.sessionId,
        async () => {
          throwIfAborted(signal);
          const sent = await this.options.perform(this.changes.start(entry), signal);
          // A timeout that fired while the last send was on the wire must not leave a record behind:
          // the caller was told "timeout", and a retry with the same key resends the same message ids.
          throwIfAborted(signal);
          return sent;
        },
        // A new request checked for room before its claim, but others may have queued since: the
        // lane refuses it now (RATE_LIMITED, recorded as its failure, so it is never sent later).
        // A recovered one was accepted long ago and always gets its turn.
        { force: recovered },
      );
      if (!changed) this.options.onSettled?.(entry, { result });
      await outbox.complete(entry.sessionId, entry.key, { requestHash: entry.requestHash, result });
      return result;
    } catch (error) {
      const failure = toConnectorError(error);
      // Stopped before it was sent: it stays queued, for this node's next start or another node.
      if (failure.code === 'SHUTTING_DOWN') throw failure;
      // A caller that waits has the error; an action answered at once keeps it for its status.
      await outbox.fail(entry.sessionId, entry.key, { code: failure.code, message: failure.message, ...(failure.details ? { details: failure.details } : {}) }).catch(() => undefined);
      this.options.onSettled?.(entry, { error: failure });
      throw failure;
    } finally {
      // Only once its outcome is recorded may a change no longer find it queued.
      this.changes.finish(entry);
    }
  }

  /**
   * Waits for another node's attempt at the key: its result; when it failed, its error if the
   * attempt was this request's own (`ours`), otherwise KeyChanged (this request may try again).
   */
  private async awaitElsewhere(sessionId: string, key: string, signal: AbortSignal | undefined, ours: boolean): Promise<ActionResult> {
    const { results, outbox } = this.options;
    const base = this.options.pollMs ?? 50;
    for (let wait = base; ; wait = Math.min(wait * 2, base * 8)) {
      // Real time, not the clock's: this is how often to ask the database, not a business deadline.
      await untilAborted(new Promise((resolve) => setTimeout(resolve, wait)), signal);
      const done = await results.get(sessionId, key);
      if (done) return done.result;
      const row = await outbox.get(sessionId, key);
      if (ours && row?.error) throw new ConnectorError(row.error.code, row.error.message, row.error.details);
      if (!row || row.state === 'failed') throw new KeyChanged();
    }
  }
}

/** The caller's signal and the entry's deadline as one signal. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: TimerHandle | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    deadline: number | undefined,
    private readonly caller: AbortSignal | undefined,
  ) {
    const expire = (): void => this.controller.abort(new ConnectorError('TIMEOUT', 'Withdrawn: the caller’s deadline passed before WhatsApp confirmed the message', { deadline }));
    if (deadline !== undefined) {
      if (deadline <= clock.now()) expire();
      else this.timer = clock.setTimeout(expire, deadline - clock.now());
    }
    if (caller) {
      this.onAbort = () => this.controller.abort(caller.reason);
      if (caller.aborted) this.onAbort();
      else caller.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  readonly abort = (reason: unknown): void => this.controller.abort(reason);

  readonly clear = (): void => {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.onAbort) this.caller?.removeEventListener('abort', this.onAbort);
  };
}

/** The chat an action is for, as a JID (its first, for a forward to several). */
function chatOf(params: ActionParams[ActionName]): string | undefined {
  const named = 'chat' in params ? (Array.isArray(params.chat) ? params.chat[0] : params.chat) : undefined;
  if (named !== undefined) return normalizeChat(named).jid;
  const target = 'message' in params ? params.message : undefined;
  return typeof target === 'object' && typeof target.chat === 'string' ? normalizeChat(target.chat).jid : undefined;
}

function asQueued(entry: OutboxEntry): OutboxRow {
  return { ...entry, state: 'queued', updatedAt: entry.acceptedAt };
}


function conflict(key: string): ConnectorError {
  return new ConnectorError('IDEMPOTENCY_CONFLICT', `Idempotency key "${key}" was already used for a different request`, { idempotencyKey: key });
}
