import type { BpmnActivity, ExecuteMessage } from './bpmn-shapes.js';

/** One multi-instance run around a run of the task: its index and the item it is for. */
export interface LoopRun {
  index: number;
  /** The loop's element variable (`item` unless the loop names it, e.g. `wa:elementVariable="appointment"`). */
  itemName: string;
  item: unknown;
  hasItem: boolean;
}

/**
 * The multi-instance runs this run of the task is part of, outermost first: the run of the
 * multi-instance sub-process the task sits in directly, then the task's own.
 */
export function loopRuns(activity: BpmnActivity, message: ExecuteMessage): LoopRun[] {
  const runs: LoopRun[] = [];
  // bpmn-engine gives each run of a sub-process its own variables, with the run's message as `content`.
  const scope = activity.environment.variables.content as ExecuteMessage['content'] | undefined;
  const parent = activity.parentElement;
  if (scope && parent && scope.id === parent.id) {
    const run = loopRun(scope, parent.behaviour?.loopCharacteristics?.behaviour?.elementVariable);
    if (run) runs.push(run);
  }
  const own = loopRun(message.content, activity.behaviour.loopCharacteristics?.behaviour?.elementVariable);
  if (own) runs.push(own);
  return runs;
}

function loopRun(content: ExecuteMessage['content'], elementVariable: string | undefined): LoopRun | undefined {
  if (content.isMultiInstance !== true || typeof content.index !== 'number') return undefined;
  const itemName = elementVariable || 'item';
  return { index: content.index, itemName, item: content[itemName], hasItem: itemName in content };
}

/**
 * What the task's expressions see: every process variable, `variables` (the same, with what
 * earlier tasks put into the process output), each loop item under its element variable, and
 * `allValues`, the record this run is for: the item of the innermost loop, else the process
 * variable `allValues`.
 *
 * @example processData(activity, message) // { clientName: …, variables: {…}, item: {…}, allValues: {…} }
 */
export function processData(activity: BpmnActivity, message: ExecuteMessage, runs = loopRuns(activity, message)): Record<string, unknown> {
  const { variables, output } = activity.environment;
  const all = { ...variables, ...output };
  const data: Record<string, unknown> = { ...all, variables: all };
  let record = variables.allValues;
  for (const run of runs) {
    if (!run.hasItem) continue;
    data[run.itemName] = run.item;
    record = run.item;
  }
  data.allValues = record;
  return data;
}
