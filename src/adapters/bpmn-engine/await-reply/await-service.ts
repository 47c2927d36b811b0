import { normalizeChat } from '../../../domain/chat.js';
import type { Clock } from '../../../domain/clock.js';
import { ConnectorError, toConnectorError } from '../../../domain/errors.js';
import { evaluateChat } from '../../../component/evaluate-properties.js';
import { isTemplate, renderTemplate, toText } from '../../../expressions/index.js';
import type { BpmnActivity, ExecuteMessage, ServiceCallback } from '../bpmn-shapes.js';
import { processData } from '../process-data.js';
import { WhatsAppTaskError } from '../task-service.js';
import type { Reply, ReplyWaits } from './reply-waits.js';

/** A `<wa:awaitReply connection="…" chat="…" resultVariable="reply"/>` as written. */
export interface AwaitReplyDeclaration {
  connection?: string;
  chat?: string;
  resultVariable?: string;
}

export interface AwaitReplyOptions {
  replies: ReplyWaits;
  clock: Pick<Clock, 'now'>;
  /** Told each time the task begins to wait, so a host can save the process's state then. */
  onWaiting?: () => void;
}

/**
 * The process variable that holds when each waiting task began to wait (by execution id). It is
 * saved with the process's state, so a recovered wait still takes a reply written while the host
 * was down, and no message from before the wait began.
 */
export const waitingSinceVariable = 'waWaitingSince';

/**
 * Begins one wait of a `<wa:awaitReply>` task (an execution of it, by `executionId`): `onReply`
 * hears the client's message, already put into `resultVariable`. Returns the function that gives
 * the wait up. Throws a ConnectorError when the declaration cannot name a connection and a chat.
 * A wait recovered from saved state keeps the time it first began.
 */
export function beginWait(activity: BpmnActivity, declaration: AwaitReplyDeclaration, options: AwaitReplyOptions, message: ExecuteMessage, onReply: (reply: Reply) => void): () => void {
  const data = processData(activity, message);
  const connection = connectionOf(declaration.connection, data);
  const chat = normalizeChat(chatOf(declaration.chat, data)).jid;
  const { variables, output } = activity.environment;
  const waitingSince = { ...(variables[waitingSinceVariable] as Record<string, number> | undefined) };
  const { executionId } = message.content;
  const since = waitingSince[executionId] ?? options.clock.now();
  variables[waitingSinceVariable] = { ...waitingSince, [executionId]: since };
  const cancel = options.replies.wait(connection, chat, since, (reply) => {
    const { [executionId]: _done, ...others } = variables[waitingSinceVariable] as Record<string, number>;
    variables[waitingSinceVariable] = others;
    const name = declaration.resultVariable;
    if (name) {
      variables[name] = reply;
      output[name] = reply;
    }
    onReply(reply);
  });
  options.onWaiting?.();
  return cancel;
}

/**
 * A service task that waits for the client's next message in a chat and completes with it (into
 * `resultVariable`); a timer boundary event on it is the "no answer" exit (its `discard` gives the
 * wait up).
 */
export class AwaitReplyService {
  private cancel: (() => void) | undefined;

  constructor(
    private readonly activity: BpmnActivity,
    private readonly declaration: AwaitReplyDeclaration,
    private readonly options: AwaitReplyOptions,
  ) {}

  execute(message: ExecuteMessage, callback: ServiceCallback): void {
    try {
      this.cancel = beginWait(this.activity, this.declaration, this.options, message, (reply) => {
        this.cancel = undefined;
        callback(null, reply);
      });
    } catch (error) {
      callback(new WhatsAppTaskError(toConnectorError(error).toJSON()));
    }
  }

  discard(): void {
    this.stop();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}

/** The connection as the WhatsApp task reads it: as written, or a `${…}` template. */
function connectionOf(written: string | undefined, data: Record<string, unknown>): string {
  if (written === undefined || written.trim() === '') throw new ConnectorError('VALIDATION_ERROR', '<wa:awaitReply> needs a connection', { field: 'connection' });
  return isTemplate(written) ? toText(renderTemplate(written, data)) : written;
}

/** The chat as the WhatsApp task reads it: a chat written out is taken as is, else it is an expression. */
function chatOf(written: string | undefined, data: Record<string, unknown>): string {
  if (written === undefined || written.trim() === '') throw new ConnectorError('VALIDATION_ERROR', '<wa:awaitReply> needs a chat', { field: 'chat' });
  return toText(evaluateChat(written, data));
}
