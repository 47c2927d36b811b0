import type { BpmnActivity, ErrorElement, ErrorEventDefinitionInstance } from './bpmn-shapes.js';

const errorEventDefinition = 'bpmn:ErrorEventDefinition';

type ErrorMessage = { content: { error?: { code?: unknown } } };
type OnErrorMessage = (this: unknown, routingKey: string, message: ErrorMessage) => unknown;

/**
 * Gives a task's error boundary events for one `errorCode` precedence over its catch-all error
 * boundary events (without `errorRef`), as BPMN engines such as Camunda do.
 *
 * Why: bpmn-engine 25 hands an error to every boundary event that matches it, so a catch-all
 * "Error" boundary and a `TIMEOUT` "Timeout" boundary would both be taken when the task times
 * out, and the process would go on along two paths. After this, the catch-all steps aside for
 * the codes a sibling boundary catches by code. It wraps the catch-all definition's
 * error handler (`_onErrorMessage`, not a public API of bpmn-engine): the tests of the adapter
 * show at once if an upgrade moves it.
 *
 * @example preferCodeSpecificBoundaries(boundaryEventActivity) // from the engine extension
 */
export function preferCodeSpecificBoundaries(boundary: BpmnActivity): void {
  for (const definition of boundary.eventDefinitions ?? []) {
    if (definition.type !== errorEventDefinition || definition.reference?.id) continue;
    const catchError = definition._onErrorMessage;
    if (typeof catchError !== 'function') continue;
    const wrapped: OnErrorMessage = function (this: unknown, routingKey, message) {
      const code = message.content.error?.code;
      if (code !== undefined && code !== null && siblingCatchesCode(boundary, String(code), message)) return undefined;
      return (catchError as OnErrorMessage).call(this, routingKey, message);
    };
    definition._onErrorMessage = wrapped;
  }
}

function siblingCatchesCode(boundary: BpmnActivity, code: string, message: ErrorMessage): boolean {
  const task = boundary.attachedTo;
  if (!task) return false;
  return boundary.context
    .getActivities()
    .filter((other) => other.id !== boundary.id && other.attachedTo?.id === task.id)
    .some((other) => (other.eventDefinitions ?? []).some((definition) => catchesCode(boundary, definition, code, message)));
}

function catchesCode(boundary: BpmnActivity, definition: ErrorEventDefinitionInstance, code: string, message: ErrorMessage): boolean {
  const errorId = definition.reference?.id;
  if (definition.type !== errorEventDefinition || !errorId) return false;
  const error = boundary.context.getActivityById(errorId) as ErrorElement | undefined;
  const declared = error?.resolve?.(message)?.code;
  return declared !== undefined && declared !== null && String(declared) === code;
}
