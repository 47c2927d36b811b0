import type { ActionRunner } from '../actions/runner.js';
import type { ActionName } from '../domain/actions.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError, toConnectorError } from '../domain/errors.js';
import type { MessageKind, MessageRef, MessageStatus } from '../domain/message.js';
import type { ActionResult } from '../domain/result.js';
import type { ActionOutcome, Store } from '../store/index.js';
import type { ActionLogWriter } from './action-log-writer.js';
import type { Metrics } from './metrics.js';

/** What `GET /v1/messages/{id}` answers. */
export interface MessageStatusView {
  id: string;
  chat: string;
  fromMe: boolean;
  kind: MessageKind;
  status: MessageStatus;
  timestamp: string;
  /** The current text or caption, after edits. */
  text?: string;
  deleted: boolean;
  /** The action that sent it, and that action's result. */
  action?: ActionName;
  result?: ActionResult;
  updatedAt: string;
}

export interface ActionServiceOptions {
  runner: ActionRunner;
  actionLog: ActionLogWriter;
  store: Store;
  clock: Clock;
  metrics: Metrics;
}

/**
 * The action API's work: runs an action for the token's session, remembers the messages it sent
 * (for `GET /v1/messages/{id}` and receipts) and logs the outcome.
 */
export class ActionService {
  constructor(private readonly options: ActionServiceOptions) {}

  async perform(sessionId: string, action: ActionName, input: unknown, options: { idempotencyKey?: string; signal?: AbortSignal }): Promise<ActionResult> {
    const { runner, clock, metrics, actionLog } = this.options;
    const started = performance.now();
    let outcome: ActionOutcome = 'completed';
    try {
      const result = await runner.run(sessionId, action, input, options);
      await this.remember(sessionId, result, options.idempotencyKey);
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

  private async remember(sessionId: string, result: ActionResult, idempotencyKey: string | undefined): Promise<void> {
    const { store } = this.options;
    switch (result.action) {
      case 'editMessage':
        await store.messages.updateText(sessionId, result.id, result.text);
        return;
      case 'deleteMessage':
        if (result.forEveryone) await store.messages.markDeleted(sessionId, result.id);
        return;
      default:
        for (const [ref, kind] of sentMessages(result)) {
          await store.messages.save(sessionId, {
            ...ref,
            kind,
            status: result.status,
            timestamp: Date.parse(result.timestamp),
            ...(result.action === 'sendMessage' && ref.id === result.id && result.text !== undefined ? { text: result.text } : {}),
            forwardingScore: 0,
            deletedForEveryone: false,
            action: result.action,
            ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
            result,
          });
        }
    }
  }
}

/** Every WhatsApp message a result stands for, with its kind. */
function sentMessages(result: ActionResult): [MessageRef, MessageKind][] {
  switch (result.action) {
    case 'sendMessage': {
      const kinds = new Map((result.attachments ?? []).map((file) => [file.id, file.type] as const));
      return result.parts.map((part) => [part, kinds.get(part.id) ?? 'text']);
    }
    case 'sendLocation':
      return [[result, 'location']];
    case 'sendContact':
      return [[result, 'contact']];
    case 'sendReaction':
      return [[result, 'reaction']];
    case 'forwardMessage':
      return result.forwards.map((ref) => [ref, 'text']);
    default:
      return [];
  }
}
