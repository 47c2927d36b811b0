import { execute, type ActionGateway } from '../../component/index.js';
import type { Clock } from '../../domain/clock.js';
import { ConnectorError, toConnectorError, type ErrorInfo } from '../../domain/errors.js';
import { isTemplate, renderTemplate, toText } from '../../expressions/index.js';
import type { BpmnActivity, ExecuteMessage, ServiceCallback } from './bpmn-shapes.js';
import { idempotencyKey } from './idempotency-key.js';
import { loopRuns, processData } from './process-data.js';
import { toComponentProperties, type TaskDeclaration } from './task-declaration.js';

export interface TaskServiceOptions {
  gateway: ActionGateway;
  /** The clock of the task's own time limit (`timeoutMs`). */
  clock?: Clock;
}

/** The error a failed WhatsApp task completes with: bpmn-engine matches `code` against `errorCode`. */
export class WhatsAppTaskError extends Error {
  override readonly name = 'WhatsAppTaskError';

  readonly code: ErrorInfo['code'];
  readonly description: string;
  readonly details?: Record<string, unknown>;

  constructor(error: ErrorInfo) {
    super(`${error.code}: ${error.message}`);
    this.code = error.code;
    this.description = error.message;
    if (error.details) this.details = error.details;
  }
}

/**
 * One run of a WhatsApp task, as bpmn-engine drives a service: `execute` performs the action and
 * calls back once; `discard` (a boundary event interrupted the task) and `stop` (the engine
 * stopped) abort the work in flight and silence the callback.
 */
export class WhatsAppTaskService {
  private readonly controller = new AbortController();
  private finished = false;

  constructor(
    private readonly activity: BpmnActivity,
    private readonly declaration: TaskDeclaration,
    private readonly options: TaskServiceOptions,
  ) {}

  execute(message: ExecuteMessage, callback: ServiceCallback): void {
    this.run(message).then(
      (result) => this.finish(() => callback(null, result)),
      (error: unknown) => this.finish(() => callback(error instanceof WhatsAppTaskError ? error : new WhatsAppTaskError(toConnectorError(error).toJSON()))),
    );
  }

  discard(): void {
    this.abort(new ConnectorError('TIMEOUT', `The WhatsApp task ${this.activity.id} was interrupted by a boundary event`));
  }

  stop(): void {
    // Nothing is recorded for an aborted send, so the run resumed from saved state performs it once.
    this.abort(new ConnectorError('TIMEOUT', `The process engine stopped while the WhatsApp task ${this.activity.id} ran`));
  }

  private abort(reason: ConnectorError): void {
    if (this.finished) return;
    this.finished = true;
    this.controller.abort(reason);
  }

  private finish(report: () => void): void {
    if (this.finished) return;
    this.finished = true;
    report();
  }

  private async run(message: ExecuteMessage): Promise<unknown> {
    const { activity, declaration, options } = this;
    const runs = loopRuns(activity, message);
    const data = processData(activity, message, runs);
    const properties = toComponentProperties(declaration);
    // The connection may come from the process (`connection="${connection}"`), so no token need be written into the file.
    if (typeof properties.connection === 'string' && isTemplate(properties.connection)) properties.connection = toText(renderTemplate(properties.connection, data));
    const outcome = await execute(properties, data, {
      gateway: options.gateway,
      idempotencyKey: idempotencyKey(activity, runs, declaration.attributes.idempotencyKey, data),
      signal: this.controller.signal,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    if (outcome.outcome !== 'completed') throw new WhatsAppTaskError(outcome.error);
    if (!this.finished) {
      // Process variables for later tasks and gateway conditions; the output for the engine's result.
      Object.assign(activity.environment.variables, outcome.variables);
      Object.assign(activity.environment.output, outcome.variables);
    }
    return outcome.result;
  }
}
