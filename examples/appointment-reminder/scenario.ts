import { readFileSync } from 'node:fs';
import { runProcess, type ProcessRun } from '../../src/adapters/bpmn-engine/index.js';
import type { Schedule } from '../../src/adapters/schedule/index.js';
import type { ActionGateway } from '../../src/component/index.js';
import type { Clock } from '../../src/domain/clock.js';
import type { SendMessageResult } from '../../src/domain/result.js';
import type { Appointment, AppointmentCatalog } from './catalog.js';

const here = new URL('.', import.meta.url);

/** The process and the schedule declared beside it. */
export const reminderProcess = readFileSync(new URL('reminder.bpmn', here), 'utf8');
export const reminderSchedule = JSON.parse(readFileSync(new URL('schedule.json', here), 'utf8')) as Schedule & { scenario: string };

export interface ReminderScenarioOptions {
  catalog: AppointmentCatalog;
  gateway: ActionGateway;
  /** The WhatsApp connection the reminders go out through. */
  connection: string;
  clock: Clock;
  /** The most appointments one round of the process takes from the catalog (and holds in memory). */
  batchSize?: number;
  /** A round of at most this many appointments goes one by one; a larger one as a batch (docs/bpmn.md). */
  oneByOneUpTo?: number;
  /** Told about each reminder as it is recorded. */
  onReminder?(appointment: Appointment, result: SendMessageResult): void;
  onFailure?(appointment: Appointment, reason: string): void;
}

interface ServiceContext {
  environment: { variables: Record<string, unknown>; output: Record<string, unknown> };
}

type Next = (error?: Error | null) => void;

/**
 * One run of the scenario: a process instance that takes the appointments due in 24 hours a round
 * at a time and reminds each client once, marking the record. Its services are the catalog's.
 */
export function reminderScenario(options: ReminderScenarioOptions): () => Promise<ProcessRun> {
  const { catalog, clock, batchSize = 500, oneByOneUpTo = 20 } = options;
  const current = (context: ServiceContext) => (context.environment.variables.content as { item: Appointment }).item;
  const reminded = (appointment: Appointment, result: SendMessageResult) => options.onReminder?.(appointment, result);
  const services = {
    selectDue(context: ServiceContext, next: Next) {
      const variables = context.environment.variables;
      const appointments = catalog.dueForReminder(clock.now(), batchSize);
      Object.assign(variables, { appointments, noneDue: appointments.length === 0, asBatch: appointments.length > oneByOneUpTo });
      next();
    },
    markBatch(context: ServiceContext, next: Next) {
      const { appointments, reminders } = context.environment.variables as { appointments: Appointment[]; reminders: SendMessageResult[] };
      catalog.markAllReminded(
        appointments.map((appointment, i) => ({ id: appointment.id, messageId: (reminders[i] as SendMessageResult).id })),
        clock.now(),
      );
      appointments.forEach((appointment, i) => reminded(appointment, reminders[i] as SendMessageResult));
      next();
    },
    markReminded(context: ServiceContext, next: Next) {
      const appointment = current(context);
      const result = context.environment.output.reminder as SendMessageResult;
      catalog.markReminded(appointment.id, result.id, clock.now());
      reminded(appointment, result);
      next();
    },
    noteFailure(context: ServiceContext, next: Next) {
      const appointment = current(context);
      const reason = 'the reminder could not be sent (see the action log)';
      catalog.markFailed(appointment.id, reason);
      options.onFailure?.(appointment, reason);
      next();
    },
  };
  return () => runProcess(reminderProcess, { gateway: options.gateway, clock, name: reminderSchedule.scenario, services, variables: { connection: options.connection } });
}
