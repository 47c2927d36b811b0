import { parseActionInput } from '../domain/actions.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { ConnectorError, toConnectorError, type ErrorInfo } from '../domain/errors.js';
import type { ActionResult, MessageStatusView } from '../domain/result.js';

/** What a task's result variable receives: the action's result, or (`respondAsync`) its queued message. */
export type TaskResult = ActionResult | MessageStatusView;
import { abortError } from '../actions/abort.js';
import { evaluateProperties } from './evaluate-properties.js';
import type { ActionGateway } from './gateway.js';
import { parseComponentProperties } from './properties.js';

/** How one run of the WhatsApp task ended, as a process adapter maps it to the process (PRODUCT §3). */
export type Outcome =
  | { outcome: 'completed'; result: TaskResult; variables: Record<string, TaskResult> }
  | { outcome: 'error'; error: ErrorInfo }
  | { outcome: 'timeout'; error: ErrorInfo };

export interface ExecuteOptions {
  gateway: ActionGateway;
  /**
   * Identifies this run of this task (process instance + element + iteration): a retried or
   * resumed task sends nothing twice.
   */
  idempotencyKey: string;
  /** Aborts the work, e.g. when the process stops waiting for the task. */
  signal?: AbortSignal;
  clock?: Clock;
}

/**
 * Runs the WhatsApp task once: evaluates its properties against the process data, performs the
 * action within `timeoutMs`, and reports the outcome. Never throws: every failure is an outcome
 * with a code.
 *
 * @example
 * const outcome = await execute(
 *   { connection, action: 'sendMessage', chat: 'allValues.clientPhone', text: 'Hello, ${allValues.clientName}!', resultVariable: 'reminder' },
 *   { allValues: { clientPhone: '+79001234567', clientName: 'Anna' } },
 *   { gateway, idempotencyKey: `${processId}:remind:${recordId}` },
 * );
 */
export async function execute(properties: unknown, processData: Record<string, unknown>, options: ExecuteOptions): Promise<Outcome> {
  const clock = options.clock ?? systemClock;
  try {
    const props = parseComponentProperties(properties);
    const input = evaluateProperties(props, processData);
    parseActionInput(props.action, input);

    const result = await withDeadline(props.timeoutMs, clock, options.signal, (signal) =>
      options.gateway.perform(props.connection, props.action, input, { idempotencyKey: options.idempotencyKey, signal, timeoutMs: props.timeoutMs, respondAsync: props.respondAsync }),
    );
    const variables: Record<string, TaskResult> = props.resultVariable ? { [props.resultVariable]: result } : {};
    return { outcome: 'completed', result, variables };
  } catch (thrown) {
    const error = toConnectorError(thrown).toJSON();
    return error.code === 'TIMEOUT' ? { outcome: 'timeout', error } : { outcome: 'error', error };
  }
}

/**
 * Runs `work` with a signal that aborts after `timeoutMs` (or when `outer` aborts) and settles as
 * soon as that happens, even if the work is slow to notice.
 */
async function withDeadline<T>(timeoutMs: number, clock: Clock, outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = clock.setTimeout(
    () => controller.abort(new ConnectorError('TIMEOUT', `The WhatsApp task did not finish within ${timeoutMs} ms`, { timeoutMs })),
    timeoutMs,
  );
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(abortError(controller.signal));
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  try {
    return await Promise.race([work(controller.signal), aborted]);
  } finally {
    clock.clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    aborted.catch(() => undefined);
  }
}
