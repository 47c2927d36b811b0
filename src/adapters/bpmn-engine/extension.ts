import { ConnectorError } from '../../domain/errors.js';
import type { BpmnActivity } from './bpmn-shapes.js';
import { preferCodeSpecificBoundaries } from './error-precedence.js';
import { collectLoopOutput } from './loop-output.js';
import { findTaskDeclaration } from './task-declaration.js';
import { WhatsAppTaskService, type TaskServiceOptions } from './task-service.js';
import { AwaitReplyService, type AwaitReplyDeclaration } from './await-reply/await-service.js';
import type { ReplyWaits } from './await-reply/reply-waits.js';
import { installReceiveWait } from './await-reply/receive-task.js';
import { systemClock } from '../../domain/clock.js';

export interface WhatsAppExtensionOptions extends TaskServiceOptions {
  /** Where tasks carrying `<wa:awaitReply>` wait for a client's message (see `feedReplies`). */
  replies?: ReplyWaits;
  /** Told each time a `<wa:awaitReply>` task begins to wait (a host saves the state then). */
  onWaiting?: () => void;
}

/** The elements that may carry `<wa:task>`: bpmn-engine runs both as service tasks. */
const taskTypes = new Set(['bpmn:ServiceTask', 'bpmn:SendTask']);

/**
 * A bpmn-engine extension that runs service tasks carrying `<wa:task>` as the WhatsApp task.
 *
 * The task's service is installed as the activity's behaviour (not bound by an `implementation`
 * expression), because only then does bpmn-engine tell it when a boundary event interrupts the
 * task (`discard`) or the engine stops: the send in flight is aborted then. A completed task puts
 * its result into the process variables and output under `resultVariable`; a failed one completes
 * with an error whose `code` is ours, for error boundary events to match by `errorCode`.
 *
 * @example new Engine({ source, moddleOptions: { wa: whatsAppModdle }, extensions: { whatsApp: whatsAppExtension({ gateway }) } })
 */
export function whatsAppExtension(options: WhatsAppExtensionOptions): (activity: BpmnActivity) => void {
  return (activity) => {
    if (activity.type === 'bpmn:BoundaryEvent') {
      if (activity.attachedTo && findTaskDeclaration(activity.attachedTo.behaviour.extensionElements)) preferCodeSpecificBoundaries(activity);
      return;
    }
    const awaiting = findAwaitReply(activity.behaviour.extensionElements);
    if (awaiting) return installAwaitReply(activity, awaiting, options);
    const found = findTaskDeclaration(activity.behaviour.extensionElements);
    if (!found) return;
    const declaration = found;
    if (!taskTypes.has(activity.type)) {
      throw new ConnectorError('VALIDATION_ERROR', `<wa:task> belongs in a serviceTask or sendTask; ${activity.id} is a ${activity.type}`, { elementId: activity.id });
    }
    activity.behaviour.Service = class extends WhatsAppTaskService {
      constructor() {
        super(activity, declaration, options);
      }
    };
    collectLoopOutput(activity);
  };
}

/** The elements that may wait for a reply: a receive task is BPMN's own word for it. */
const waitTypes = new Set(['bpmn:ReceiveTask', 'bpmn:ServiceTask']);

function findAwaitReply(extensionElements: unknown): AwaitReplyDeclaration | undefined {
  const values = (extensionElements as { values?: { $type?: string; connection?: string; chat?: string; resultVariable?: string }[] } | undefined)?.values;
  const found = values?.find((value) => value.$type === 'wa:AwaitReply');
  if (!found) return undefined;
  return { ...(found.connection ? { connection: found.connection } : {}), ...(found.chat ? { chat: found.chat } : {}), ...(found.resultVariable ? { resultVariable: found.resultVariable } : {}) };
}

function installAwaitReply(activity: BpmnActivity, declaration: AwaitReplyDeclaration, options: WhatsAppExtensionOptions): void {
  if (!waitTypes.has(activity.type)) {
    throw new ConnectorError('VALIDATION_ERROR', `<wa:awaitReply> belongs in a receiveTask or serviceTask; ${activity.id} is a ${activity.type}`, { elementId: activity.id });
  }
  const { replies } = options;
  if (!replies) throw new ConnectorError('VALIDATION_ERROR', `${activity.id} waits for a reply, but the engine was made without a reply feed (createEngine's replies)`, { elementId: activity.id });
  const waitOptions = { replies, clock: options.clock ?? systemClock, ...(options.onWaiting ? { onWaiting: options.onWaiting } : {}) };
  // bpmn-engine's receive task waits by itself (it runs no service); a service task waits in ours.
  if (activity.type === 'bpmn:ReceiveTask') return installReceiveWait(activity, declaration, waitOptions);
  activity.behaviour.Service = class extends AwaitReplyService {
    constructor() {
      super(activity, declaration, waitOptions);
    }
  };
}
