import type { BpmnActivity } from './bpmn-shapes.js';

/**
 * Gives the results of every run of a multi-instance WhatsApp task to the steps after it, when the
 * loop names a variable for them: `wa:outputCollection="reminders"` puts `[result of run 0, result
 * of run 1, …]` (in the collection's order, also when the runs went in parallel) into the process
 * variables and output once the last run is done, before the process moves on.
 *
 * Why: `resultVariable` holds one result, so after a loop it has the last run's only, and a step
 * that handles the whole batch at once (marks every record reminded in one transaction) needs each
 * record's result. bpmn-engine keeps the list as the loop's output but gives it to no later step.
 * The attribute's name is Zeebe's for the same thing.
 *
 * @example collectLoopOutput(activity) // from the engine extension, for a task with loop characteristics
 */
export function collectLoopOutput(activity: BpmnActivity): void {
  const name = activity.behaviour.loopCharacteristics?.behaviour?.outputCollection;
  if (!name) return;
  activity.on('end', (api) => {
    const runs = Array.isArray(api.content.output) ? (api.content.output as unknown[]) : [];
    // bpmn-engine records each run's callback arguments after the error: `[result]`.
    const results = runs.map((run) => (Array.isArray(run) ? (run[0] as unknown) : run));
    activity.environment.variables[name] = results;
    activity.environment.output[name] = results;
  });
}
