import { ConnectorError } from '../../domain/errors.js';
import { renderTemplate, toText } from '../../expressions/index.js';
import type { BpmnActivity } from './bpmn-shapes.js';
import type { LoopRun } from './process-data.js';

/** The process variable that names a process instance in idempotency keys. */
export const processInstanceIdVariable = 'processInstanceId';

/**
 * Which run of the task this is within its process instance: the multi-instance indexes around
 * it joined by dots (`0` for a task without loops, `2` for the third item, `1.0` for a task in
 * the second run of a multi-instance sub-process), then `+n` when a flow has looped back to the
 * task n times. bpmn-engine keeps the indexes and the count in its saved state, so a resumed run
 * is the same iteration.
 *
 * @example iteration([], 0) // '0'; iteration([{ index: 2, … }], 1) // '2+1'
 */
export function iteration(runs: readonly Pick<LoopRun, 'index'>[], passes: number): string {
  const indexes = runs.length === 0 ? '0' : runs.map((run) => run.index).join('.');
  return passes > 0 ? `${indexes}+${passes}` : indexes;
}

/**
 * The idempotency key of one run of the task: `idempotencyKey="…"` when the task declares one (a
 * template, e.g. per catalog record), else `${processInstanceId}:${elementId}:${iteration}`. The
 * instance id is a process variable, saved with the process state, so a process recovered from
 * `getState()` derives the same keys and sends nothing twice.
 *
 * @example idempotencyKey(activity, runs, undefined, data) // 'b3c1…:remind:0'
 */
export function idempotencyKey(activity: BpmnActivity, runs: readonly LoopRun[], declared: string | undefined, data: Record<string, unknown>): string {
  if (declared !== undefined) return toText(renderTemplate(declared, data));
  const instance = activity.environment.variables[processInstanceIdVariable];
  if (typeof instance !== 'string' || instance === '') {
    throw new ConnectorError(
      'VALIDATION_ERROR',
      `The process has no ${processInstanceIdVariable} variable to derive idempotency keys from: create the engine with createEngine or runProcess, or give the Engine variables: { ${processInstanceIdVariable} }`,
    );
  }
  return `${instance}:${activity.id}:${iteration(runs, activity.counters.taken)}`;
}
