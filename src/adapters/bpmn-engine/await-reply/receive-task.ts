import { toConnectorError } from '../../../domain/errors.js';
import type { BpmnActivity, ExecuteMessage } from '../bpmn-shapes.js';
import { WhatsAppTaskError } from '../task-service.js';
import { beginWait, type AwaitReplyDeclaration, type AwaitReplyOptions } from './await-service.js';

/** The api bpmn-engine hands a listener of a receive task's `wait` event. */
interface WaitApi extends ExecuteMessage {
  signal(message: unknown): void;
}

interface ActivityBroker {
  publish(exchange: string, routingKey: string, content: unknown, options?: Record<string, unknown>): void;
}

/**
 * A receive task carrying `<wa:awaitReply>`: bpmn-engine's own receive task waits (for a message
 * or signal), and each of its waits is answered by the client's next message in the chat. A wait
 * ends with the task, a boundary event that interrupts it, or the engine's stop.
 */
export function installReceiveWait(activity: BpmnActivity, declaration: AwaitReplyDeclaration, options: AwaitReplyOptions): void {
  const waits = new Map<string, () => void>();
  const giveUp = () => {
    for (const cancel of waits.values()) cancel();
    waits.clear();
  };
  activity.on('wait', (api) => {
    const wait = api as unknown as WaitApi;
    const { executionId } = wait.content;
    waits.get(executionId)?.();
    try {
      waits.set(executionId, beginWait(activity, declaration, options, wait, (reply) => {
        waits.delete(executionId);
        wait.signal(reply);
      }));
    } catch (error) {
      const failure = new WhatsAppTaskError(toConnectorError(error).toJSON());
      (activity as unknown as { broker: ActivityBroker }).broker.publish('execution', 'execute.error', { ...wait.content, error: failure }, { mandatory: true, type: 'error' });
    }
  });
  activity.on('leave', giveUp);
  activity.on('stop', giveUp);
}
