/**
 * The parts of bpmn-engine's run-time objects (from bpmn-elements) the adapter reads. Its own
 * typings type most of them `any`; these say what the adapter relies on.
 */

export interface LoopCharacteristicsDefinition {
  behaviour?: { elementVariable?: string; collection?: string; outputCollection?: string };
}

export interface ActivityBehaviour {
  extensionElements?: unknown;
  loopCharacteristics?: LoopCharacteristicsDefinition;
  /** Set by the extension: bpmn-engine runs a service task through `new Service(activity, message)`. */
  Service?: unknown;
  [name: string]: unknown;
}

export interface ActivityEnvironment {
  variables: Record<string, unknown>;
  output: Record<string, unknown>;
}

/** An error event definition as bpmn-engine instantiates it on an event. */
export interface ErrorEventDefinitionInstance {
  type: string;
  /** `id` is the `<error>` element it refers to; absent on a catch-all definition. */
  reference?: { id?: string };
  [name: string]: unknown;
}

/** A `<error>` element, as the context returns it. */
export interface ErrorElement {
  resolve?(message: unknown): { code?: unknown } | undefined;
}

export interface BpmnContext {
  getActivities(): BpmnActivity[];
  getActivityById(id: string): unknown;
}

export interface BpmnActivity {
  id: string;
  type: string;
  behaviour: ActivityBehaviour;
  environment: ActivityEnvironment;
  context: BpmnContext;
  /** How often the activity was left so far (a flow that loops back runs it again). */
  counters: { taken: number; discarded: number };
  /** The process or sub-process the activity sits in. */
  parentElement?: { id: string; behaviour?: ActivityBehaviour };
  /** A boundary event's task. */
  attachedTo?: BpmnActivity;
  eventDefinitions?: ErrorEventDefinitionInstance[];
  /** Listens to the activity's own events, e.g. `end` once every run of a multi-instance activity is done. */
  on(eventName: string, callback: (api: { content: { output?: unknown } }) => void): unknown;
}

/** What bpmn-engine hands a service's `execute`. */
export interface ExecuteMessage {
  content: {
    executionId: string;
    /** Set on each run of a multi-instance activity, with its item under the loop's element variable. */
    isMultiInstance?: boolean;
    index?: number;
    [name: string]: unknown;
  };
}

export type ServiceCallback = (error: Error | null, output?: unknown) => void;
