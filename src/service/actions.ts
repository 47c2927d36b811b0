import type { ActionRunner } from '../actions/runner.js';
import type { ActionName } from '../domain/actions.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError, toConnectorError } from '../domain/errors.js';
import type { ActionResult, ActionResults, MessageStatusView } from '../domain/result.js';
import type { ActionOutcome, Store } from '../store/index.js';
import type { ActionLogWriter } from './action-log-writer.js';
import type { Metrics } from './metrics.js';
import type { UnavailableSessions } from './session-restore.js';

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

  async perform<A extends ActionName>(sessionId: string, action: A, input: unknown, options: { idempotencyKey?: string; signal?: AbortSignal }): Promise<ActionResults[A]> {
    const { runner, clock, metrics, actionLog } = this.options;
    const started = performance.now();
    let outcome: ActionOutcome = 'completed';
    try {
      this.options.unavailable?.assertCanAct(sessionId);
      const result = await runner.run(sessionId, action, input, options);
      await this.remember(sessionId, result);
      return result;
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

  /** Sends are recorded with their idempotency record (one transaction); edits and deletions change them. */
  private async remember(sessionId: string, result: ActionResult): Promise<void> {
    const { store } = this.options;
    if (result.action === 'editMessage') await store.messages.updateText(sessionId, result.id, result.text);
    if (result.action === 'deleteMessage' && result.forEveryone) {
      const deleted = result.parts ? result.parts.filter((part) => part.outcome === 'deleted').map((part) => part.id) : [result.id];
      for (const id of deleted) await store.messages.markDeleted(sessionId, id);
    }
  }
}
