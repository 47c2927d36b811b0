import type { ActionRunner } from '../actions/runner.js';
import type { ActionName } from '../domain/actions.js';
import type { ActionResults } from '../domain/result.js';

/**
 * How the component reaches WhatsApp: in-process through an action runner, or over HTTP through
 * the connector service with the connection's token.
 */
export interface ActionGateway {
  perform<A extends ActionName>(
    connection: string,
    action: A,
    input: Record<string, unknown>,
    options: { idempotencyKey: string; signal: AbortSignal },
  ): Promise<ActionResults[A]>;
}

/**
 * Acts in-process on an engine's sessions. The task's `connection` names the session, or is
 * mapped to one by `sessionFor` (e.g. a table of connection names).
 *
 * @example const gateway = inProcessGateway(runner); await execute(properties, data, { gateway, idempotencyKey })
 */
export function inProcessGateway(runner: ActionRunner, sessionFor: (connection: string) => string = (connection) => connection): ActionGateway {
  return {
    perform: (connection, action, input, options) => runner.run(sessionFor(connection), action, input, options),
  };
}
