import { randomUUID } from 'node:crypto';
import { Engine, type BpmnEngineOptions, type Execution } from 'bpmn-engine';
import type { ActionGateway } from '../../component/index.js';
import type { Clock } from '../../domain/clock.js';
import { isErrorCode, type ErrorInfo } from '../../domain/errors.js';
import { clockTimers } from './clock-timers.js';
import { whatsAppExtension } from './extension.js';
import { processInstanceIdVariable } from './idempotency-key.js';
import { whatsAppModdle } from './schema.js';
import type { ReplyWaits } from './await-reply/reply-waits.js';

export interface CreateEngineOptions {
  gateway: ActionGateway;
  /** Process variables; `allValues` is the record the scenario runs for. */
  variables?: Record<string, unknown>;
  /** Functions a service task can call by expression, e.g. `${environment.services.selectDue}`. */
  services?: Record<string, CallableFunction>;
  /**
   * Names this process instance in idempotency keys; a new UUID by default. It is a process
   * variable, so an engine recovered from saved state keeps the saved one.
   */
  processInstanceId?: string;
  name?: string;
  /** The clock of the tasks' time limits and of the process's timers (timer boundary events). */
  clock?: Clock;
  /** Where `<wa:awaitReply>` tasks wait for a client's message (fed by `feedReplies`). */
  replies?: ReplyWaits;
  /** Told each time a `<wa:awaitReply>` task begins to wait (see `WaitingProcesses`). */
  onWaiting?: () => void;
}

export type RunProcessOptions = CreateEngineOptions;

/** Why a process ended in error: our error code and message, and the element that failed. */
export interface ProcessError extends ErrorInfo {
  elementId?: string;
}

export type ProcessRun =
  | { status: 'completed'; processInstanceId: string; output: Record<string, unknown>; error?: undefined }
  | { status: 'error'; processInstanceId: string; output: Record<string, unknown>; error: ProcessError };

/**
 * Runs a BPMN 2.0 process with WhatsApp tasks to its end. A failure no boundary event caught
 * ends the process in error, and the error (with our code) is in the result. Throws only when
 * the source cannot be loaded.
 *
 * @example const run = await runProcess(xml, { gateway, variables: { allValues: appointment } });
 * // { status: 'completed', processInstanceId, output: { reminder: { action: 'sendMessage', id, chat, … } } }
 */
export function runProcess(source: string, options: RunProcessOptions): Promise<ProcessRun> {
  const engine = createEngine(source, options);
  return runToEnd(engine, () => engine.execute());
}

/**
 * Drives an engine to its end from `begin` (`execute()` of a new engine, or `resume()` of one
 * recovered from saved state) and answers how it ended, as `runProcess` does.
 */
export async function runToEnd(engine: Engine, begin: () => Promise<Execution>): Promise<ProcessRun> {
  const processInstanceId = engine.environment.variables[processInstanceIdVariable] as string;
  const ended = engine.waitFor('end');
  const execution = await begin();
  // A process that fails at once may leave no execution to read the output from.
  const output = () => ({ ...((execution as typeof execution | undefined)?.environment?.output ?? engine.environment.output ?? {}) as Record<string, unknown> });
  try {
    await ended;
    return { status: 'completed', processInstanceId, output: output() };
  } catch (error) {
    return { status: 'error', processInstanceId, output: output(), error: processError(error) };
  }
}

/**
 * A bpmn-engine `Engine` that understands `<wa:task>`, for hosts that drive it themselves: wait
 * states, `getState()`, `recover()` and `resume()`.
 *
 * @example
 * const engine = createEngine(xml, { gateway, variables: { allValues: record } });
 * await engine.execute();
 * const state = await engine.getState();          // saved while a send is in flight
 * createEngine(xml, { gateway }).recover(state).resume(); // same idempotency keys: sends nothing twice
 */
export function createEngine(source: string, options: CreateEngineOptions): Engine {
  const { gateway, clock, replies, onWaiting } = options;
  const extension = whatsAppExtension({ gateway, ...(clock ? { clock } : {}), ...(replies ? { replies } : {}), ...(onWaiting ? { onWaiting } : {}) });
  return new Engine({
    name: options.name ?? 'whatsapp-process',
    source,
    moddleOptions: { wa: whatsAppModdle },
    extensions: { whatsApp: extension as unknown as Extension },
    variables: { ...options.variables, [processInstanceIdVariable]: options.processInstanceId ?? randomUUID() },
    ...(options.services ? { services: options.services } : {}),
    ...(options.clock ? { timers: clockTimers(options.clock) as unknown as BpmnEngineOptions['timers'] } : {}),
  });
}

type Extension = NonNullable<BpmnEngineOptions['extensions']>[string];

function processError(error: unknown): ProcessError {
  const failure = error as { code?: unknown; message?: unknown; inner?: { description?: unknown; message?: unknown; details?: unknown }; source?: { content?: { id?: unknown } } };
  const code = isErrorCode(failure.code) ? failure.code : 'INTERNAL';
  const inner = failure.inner;
  const text = inner?.description ?? inner?.message ?? failure.message ?? error;
  const message = typeof text === 'string' ? text : String(text);
  const details = isErrorCode(failure.code) ? (inner?.details as Record<string, unknown> | undefined) : undefined;
  const elementId = failure.source?.content?.id;
  return {
    code,
    message,
    ...(details ? { details } : {}),
    ...(typeof elementId === 'string' ? { elementId } : {}),
  };
}
