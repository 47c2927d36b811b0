import type { ActionRunner } from '../actions/runner.js';
import type { ActionName } from '../domain/actions.js';
import type { ActionResults, MessageStatusView } from '../domain/result.js';
import { queuedMessage } from '../queue/queued-message.js';

/**
 * How the component reaches WhatsApp: in-process through an action runner, or over HTTP through
 * the connector service with the connection's token.
 */
export interface ActionGateway {
  perform<A extends ActionName>(
    connection: string,
    action: A,
    input: Record<string, unknown>,
    options: GatewayCallOptions,
  ): Promise<ActionResults[A] | MessageStatusView>;
}

export interface GatewayCallOptions {
  idempotencyKey: string;
  signal: AbortSignal;
  /** The task's time limit: an action still queued when it passes is withdrawn, never sent later. */
  timeoutMs?: number;
  /** Answer once the action is queued durably: the queued message instead of the result. */
  respondAsync?: boolean;
}

/**
 * Acts in-process on an engine's sessions. The task's `connection` names the session, or is
 * mapped to one by `sessionFor` (e.g. a table of connection names).
 *
 * @example const gateway = inProcessGateway(runner); await execute(properties, data, { gateway, idempotencyKey })
 */
export function inProcessGateway(runner: ActionRunner, sessionFor: (connection: string) => string = (connection) => connection): ActionGateway {
  return {
    perform: async (connection, action, input, { idempotencyKey, signal, respondAsync }) => {
      const answer = await runner.submit(sessionFor(connection), action, input, { idempotencyKey, signal, respondAsync: respondAsync === true });
      return answer.kind === 'done' ? answer.result : queuedMessage(answer.entry);
    },
  };
}
