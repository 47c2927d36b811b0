import { randomUUID } from 'node:crypto';
import { Engine, type BpmnEngineOptions } from 'bpmn-engine';
import type { ActionGateway } from '../../component/index.js';
import type { Clock } from '../../domain/clock.js';
import { isErrorCode, type ErrorInfo } from '../../domain/errors.js';
import { whatsAppExtension } from './extension.js';
import { whatsAppModdle } from './schema.js';

export interface RunProcessOptions {
  gateway: ActionGateway;
  /** Process variables; `allValues` is the record the scenario runs for. */
  variables?: Record<string, unknown>;
  /** Functions a service task can call by expression, e.g. `${environment.services.selectDue}`. */
  services?: Record<string, CallableFunction>;
  /** Identifies this instance in idempotency keys; a new one by default. */
  processInstanceId?: string;
  name?: string;
  clock?: Clock;
}

export type ProcessRun =
  | { status: 'completed'; processInstanceId: string; output: Record<string, unknown> }
  | { status: 'error'; processInstanceId: string; output: Record<string, unknown>; error: ErrorInfo };

/**
 * Runs a BPMN 2.0 process with WhatsApp tasks to its end. A failure no boundary event caught
 * ends the process in error, and the error (with our code) is in the result.
 *
 * @example const run = await runProcess(xml, { gateway, variables: { allValues: appointment } });
 */
export async function runProcess(source: string, options: RunProcessOptions): Promise<ProcessRun> {
  const processInstanceId = options.processInstanceId ?? randomUUID();
  const engine = createEngine(source, options);
  const ended = engine.waitFor('end');
  const execution = await engine.execute({
    variables: { ...options.variables, processInstanceId },
    ...(options.services ? { services: options.services } : {}),
  });
  // A process that fails at once may leave no execution to read the output from.
  const output = () => ({ ...((execution as typeof execution | undefined)?.environment?.output ?? engine.environment?.output ?? {}) as Record<string, unknown> });
  try {
    await ended;
    return { status: 'completed', processInstanceId, output: output() };
  } catch (error) {
    return { status: 'error', processInstanceId, output: output(), error: processError(error) };
  }
}

/** An engine that understands `<wa:task>`; for hosts that drive it themselves (state, recovery). */
export function createEngine(source: string, options: Pick<RunProcessOptions, 'gateway' | 'clock' | 'name'>): Engine {
  return new Engine({
    name: options.name ?? 'whatsapp-process',
    source,
    moddleOptions: { wa: whatsAppModdle },
    extensions: { whatsApp: whatsAppExtension({ gateway: options.gateway, ...(options.clock ? { clock: options.clock } : {}) }) as unknown as Extension },
  });
}

type Extension = NonNullable<BpmnEngineOptions['extensions']>[string];

function processError(error: unknown): ErrorInfo {
  const inner = error as { code?: unknown; message?: unknown; inner?: { message?: unknown; details?: unknown } };
  const code = isErrorCode(inner.code) ? inner.code : 'INTERNAL';
  const message = typeof inner.inner?.message === 'string' ? inner.inner.message : String(inner.message ?? error);
  const details = inner.inner?.details as Record<string, unknown> | undefined;
  return details ? { code, message, details } : { code, message };
}
