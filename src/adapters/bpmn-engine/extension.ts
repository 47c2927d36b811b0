import { execute, type ActionGateway } from '../../component/index.js';
import type { Clock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import { isTemplate, renderTemplate, toText } from '../../expressions/index.js';
import { findTaskDeclaration, toComponentProperties, type TaskDeclaration } from './task-declaration.js';

export interface WhatsAppExtensionOptions {
  gateway: ActionGateway;
  clock?: Clock;
}

/** The part of a bpmn-engine activity the extension uses. */
interface Activity {
  id: string;
  behaviour: { extensionElements?: unknown; Service?: unknown };
  environment: { variables: Record<string, unknown>; output: Record<string, unknown> };
}

interface ExecuteMessage {
  content: { executionId: string; index?: number; item?: unknown; isRootScope?: boolean };
}

type Callback = (error: Error | null, output?: unknown) => void;

/**
 * A bpmn-engine extension that runs service tasks carrying `<wa:task>` as the WhatsApp task.
 * The service is installed as the activity's behaviour, so bpmn-engine tells it when a boundary
 * event interrupts the task (`discard`): the send in flight is aborted then.
 *
 * Outcomes: the result goes into the process output under `resultVariable`; a failure completes
 * the task with an error whose `code` is ours (an error boundary with that `errorCode`, or one
 * without `errorRef`, catches it; the component's own time limit fails with `TIMEOUT`).
 *
 * @example new Engine({ source, moddleOptions: { wa: whatsAppModdle }, extensions: { whatsApp: whatsAppExtension({ gateway }) } })
 */
export function whatsAppExtension(options: WhatsAppExtensionOptions): (activity: Activity) => void {
  return (activity) => {
    const declaration = findTaskDeclaration(activity.behaviour.extensionElements);
    if (!declaration) return;
    activity.behaviour.Service = function WhatsAppService(this: { execute: unknown; discard: unknown }) {
      const controller = new AbortController();
      let discarded = false;
      this.execute = (message: ExecuteMessage, callback: Callback) => {
        runTask(activity, declaration, message, controller.signal, options).then(
          (output) => {
            if (!discarded) callback(null, output);
          },
          (error: unknown) => {
            if (!discarded) callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      };
      this.discard = () => {
        discarded = true;
        controller.abort(new ConnectorError('TIMEOUT', `The WhatsApp task ${activity.id} was interrupted by a boundary event`));
      };
    };
  };
}

async function runTask(activity: Activity, declaration: TaskDeclaration, message: ExecuteMessage, signal: AbortSignal, options: WhatsAppExtensionOptions): Promise<unknown> {
  const { variables, output } = activity.environment;
  const scope = processData(variables, output, message);
  const properties = toComponentProperties(declaration);
  // The connection may come from the process (`connection="${connection}"`), so a token need not be written into the file.
  if (typeof properties.connection === 'string' && isTemplate(properties.connection)) properties.connection = toText(renderTemplate(properties.connection, scope));
  const outcome = await execute(properties, scope, {
    gateway: options.gateway,
    idempotencyKey: idempotencyKey(activity, declaration, message, scope),
    signal,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  if (outcome.outcome !== 'completed') {
    throw Object.assign(new Error(`${outcome.error.code}: ${outcome.error.message}`), { code: outcome.error.code, details: outcome.error.details });
  }
  Object.assign(output, outcome.variables);
  return outcome.result;
}

/**
 * What expressions see: the process variables, `variables` (with earlier tasks' results), and
 * `allValues`, the current record: the item of a multi-instance task, else the variable `allValues`.
 */
function processData(variables: Record<string, unknown>, output: Record<string, unknown>, message: ExecuteMessage): Record<string, unknown> {
  const all = { ...variables, ...output };
  // A multi-instance task has its item in the message; a task inside a multi-instance subprocess, in the iteration's variables.
  const item = message.content.item ?? (variables.content as { item?: unknown } | undefined)?.item;
  return { ...all, variables: all, allValues: item !== undefined ? item : variables.allValues };
}

/**
 * One key per run of one task: `idempotencyKey="…"` when the process gives one (a template, e.g.
 * per catalog record), else process instance + element + iteration. The instance id is a process
 * variable, so a process recovered from saved state derives the same keys and sends nothing twice.
 */
function idempotencyKey(activity: Activity, declaration: TaskDeclaration, message: ExecuteMessage, scope: Record<string, unknown>): string {
  const written = declaration.attributes.idempotencyKey;
  if (written !== undefined) return toText(renderTemplate(written, scope));
  const instance = activity.environment.variables.processInstanceId;
  if (typeof instance !== 'string' || instance === '') {
    throw new ConnectorError('VALIDATION_ERROR', 'The process has no processInstanceId variable to derive idempotency keys from; run it with runProcess or set one');
  }
  return `${instance}:${activity.id}:${message.content.index ?? 0}`;
}
