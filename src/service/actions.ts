import type { ActionRunner } from '../actions/runner.js';
import type { ActionName } from '../domain/actions.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError, toConnectorError } from '../domain/errors.js';
import type { ActionResults, MessageStatusView } from '../domain/result.js';
import { queuedMessage } from '../queue/queued-message.js';
import type { SubmitOptions } from '../queue/action-queue.js';
import type { ActionOutcome, Store } from '../store/index.js';
import type { ActionLogWriter } from './action-log-writer.js';
import type { Metrics } from './metrics.js';
import type { UnavailableSessions } from './session-restore.js';

/** What `perform` answers: the result, or the message of an action accepted to be sent later. */
export type Performed<A extends ActionName> = { kind: 'done'; result: ActionResults[A] } | { kind: 'accepted'; message: MessageStatusView };

export interface PerformOptions extends Omit<SubmitOptions, 'deadline'> {
  /** The caller waits this long at most (`Prefer: wait`); an action not confirmed by then is withdrawn. */
  waitMs?: number;
}

export interface ActionServiceOptions {
  runner: ActionRunner;
  actionLog: ActionLogWriter;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  /** Sessions this node cannot act for (another engine's, or failed to start). */
  unavailable?: Pick<UnavailableSessions, 'assertCanAct'>;
}

/**
 * The action API's work: runs an action for the token's session, remembers the messages it sent
 * (for `GET /v1/messages/{id}` and receipts) and logs the outcome.
 */
export class ActionService {
  constructor(private readonly options: ActionServiceOptions) {}

  /** Performs the action, or with `respondAsync` accepts it: then the answer is its queued message. */
  async perform<A extends ActionName>(sessionId: string, action: A, input: unknown, options: PerformOptions): Promise<Performed<A>> {
    const { runner, clock, metrics, actionLog } = this.options;
    const started = performance.now();
    let outcome: ActionOutcome = 'completed';
    try {
      this.options.unavailable?.assertCanAct(sessionId);
      const { waitMs, ...submit } = options;
      const answer = await runner.submit(sessionId, action, input, waitMs === undefined ? submit : { ...submit, deadline: clock.now() + waitMs });
      if (answer.kind === 'accepted') {
        outcome = 'accepted';
        return { kind: 'accepted', message: queuedMessage(answer.entry) };
      }
      return answer;
    } catch (error) {
      outcome = toConnectorError(error).code;
      throw error;
    } finally {
      const durationMs = performance.now() - started;
      metrics.actionFinished(action, outcome, durationMs);
      actionLog.add({ sessionId, action, idempotencyKey: options.idempotencyKey ?? null, outcome, durationMs, at: clock.now() });
    }
  }

  /** The last known state of a message this session sent; another session's message is not found. */
  async message(sessionId: string, id: string): Promise<MessageStatusView> {
    const found = await this.options.store.messages.get(sessionId, id);
    if (!found) {
      const waiting = await this.options.store.outbox.byMessage(sessionId, id);
      if (waiting) return queuedMessage(waiting);
    }
    if (!found) throw new ConnectorError('MESSAGE_NOT_FOUND', `No message ${id} for this connection`, { id });
    return {
      id: found.id,
      chat: found.chat,
      fromMe: found.fromMe,
      kind: found.kind,
      status: found.status,
      timestamp: new Date(found.timestamp).toISOString(),
      ...(found.text !== undefined ? { text: found.text } : {}),
      deleted: found.deletedForEveryone,
      ...(found.action !== undefined ? { action: found.action } : {}),
      ...(found.result !== undefined ? { result: found.result } : {}),
      updatedAt: new Date(found.updatedAt).toISOString(),
    };
  }

}

