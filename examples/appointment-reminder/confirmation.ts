import { readFileSync } from 'node:fs';
import { WaitingProcesses, type ProcessRun, type Reply, type ReplyWaits } from '../../src/adapters/bpmn-engine/index.js';
import type { ActionGateway } from '../../src/component/index.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Appointment, AppointmentCatalog, ClientAnswer } from './catalog.js';

/** The reminder's second half (confirmation.bpmn): one instance per reminded client, waiting for the answer. */
export const confirmationProcess = readFileSync(new URL('confirmation.bpmn', import.meta.url), 'utf8');

export interface ConfirmationOptions {
  catalog: AppointmentCatalog;
  gateway: ActionGateway;
  /** Where the clients' messages reach the waiting instances (fed by `feedReplies`). */
  replies: ReplyWaits;
  clock: Clock;
  /** Told about each answer as it is recorded. */
  onAnswer?(appointment: Appointment, answer: ClientAnswer): void;
  onError?(error: unknown, processInstanceId: string): void;
}

export interface Confirmations {
  /** Starts waiting for this client's answer; resolves when it came or the 12 hours passed. */
  ask(connection: string, appointment: Appointment): Promise<ProcessRun>;
  /** At start: resumes the instances that were waiting when the host stopped. */
  recover(): Promise<Promise<ProcessRun>[]>;
  /** Stops every instance, keeping its saved state (the host's shutdown). */
  stop(): Promise<void>;
  /** Resolves once every waiting instance's state is saved. */
  idle(): Promise<void>;
  readonly waiting: number;
}

interface ServiceContext {
  environment: { variables: { allValues: Appointment; reply?: Reply; unclear?: boolean } };
}

type Next = (error?: Error | null) => void;

/** "1" confirms, "2" cancels (a word may follow: "1, thank you"); anything else is no answer yet. */
export function answerOf(reply: Reply): ClientAnswer | undefined {
  const text = reply.content.kind === 'text' ? reply.content.text.trim() : '';
  if (/^1(?!\d)/.test(text)) return 'confirmed';
  if (/^2(?!\d)/.test(text)) return 'cancelled';
  return undefined;
}

/**
 * The confirmation processes of a catalog: each waits in its client's chat, the answer marks the
 * record, and their states live in the catalog's database so a restart loses none.
 */
export function confirmations(options: ConfirmationOptions): Confirmations {
  const { catalog } = options;
  const record = (appointment: Appointment, answer: ClientAnswer) => {
    catalog.markAnswer(appointment.id, answer);
    options.onAnswer?.(appointment, answer);
  };
  const services = {
    recordAnswer(context: ServiceContext, next: Next) {
      const { variables } = context.environment;
      const answer = variables.reply && answerOf(variables.reply);
      variables.unclear = answer === undefined;
      if (answer) record(variables.allValues, answer);
      next();
    },
    recordNoAnswer(context: ServiceContext, next: Next) {
      record(context.environment.variables.allValues, 'no answer');
      next();
    },
  };
  const host = new WaitingProcesses({
    source: confirmationProcess,
    store: catalog.waitingProcesses(),
    replies: options.replies,
    gateway: options.gateway,
    clock: options.clock,
    services,
    name: 'appointment-confirmation',
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    ask: (connection, appointment) => host.start({ connection, allValues: appointment }, `appointment-confirmation:${appointment.id}`),
    recover: () => host.recover(),
    stop: () => host.stop(),
    idle: () => host.idle(),
    get waiting() {
      return host.size;
    },
  };
}
