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
  /** Told about each reminder as it is recorded. */
  onReminder?(appointment: Appointment, result: SendMessageResult): void;
  onFailure?(appointment: Appointment, reason: string): void;
}

interface ServiceContext {
  environment: { variables: Record<string, unknown>; output: Record<string, unknown> };
}

/**
 * One run of the scenario: a process instance that selects the appointments due in 24 hours and
 * reminds each client once, marking the record. Its services are the catalog's.
 */
export function reminderScenario(options: ReminderScenarioOptions): () => Promise<ProcessRun> {
  const { catalog, clock } = options;
  const current = (context: ServiceContext) => (context.environment.variables.content as { item: Appointment }).item;
  const services = {
    selectDue(context: ServiceContext, next: (error?: Error | null) => void) {
      context.environment.variables.appointments = catalog.dueForReminder(clock.now());
      next();
    },
    markReminded(context: ServiceContext, next: (error?: Error | null) => void) {
      const appointment = current(context);
      const result = context.environment.output.reminder as SendMessageResult;
      catalog.markReminded(appointment.id, result.id, clock.now());
      options.onReminder?.(appointment, result);
      next();
    },
    noteFailure(context: ServiceContext, next: (error?: Error | null) => void) {
      const appointment = current(context);
      const reason = 'the reminder could not be sent (see the action log)';
      catalog.markFailed(appointment.id, reason);
      options.onFailure?.(appointment, reason);
      next();
    },
  };
  return () => runProcess(reminderProcess, { gateway: options.gateway, clock, name: reminderSchedule.scenario, services, variables: { connection: options.connection } });
}
