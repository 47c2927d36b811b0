import Database from 'better-sqlite3';
import type { ProcessStateStore } from '../../src/adapters/bpmn-engine/index.js';
import type { TickLedger } from '../../src/adapters/schedule/index.js';

/** What the client answered to the reminder: 1, 2, or nothing within 12 hours. */
export type ClientAnswer = 'confirmed' | 'cancelled' | 'no answer';

/** A record of the catalog "Appointments", as the scenario reads it (`allValues`). */
export interface Appointment {
  id: number;
  clientName: string;
  clientPhone: string;
  /** As shown to the client, e.g. `25.11.2026`. */
  appointmentDate: string;
  /** As shown to the client, e.g. `10:30`. */
  appointmentTime: string;
  specialistName: string;
  /** When the appointment starts, ms since the epoch. */
  startsAt: number;
  /** When the reminder went out; null until then. */
  remindedAt: number | null;
  reminderMessageId: string | null;
  /** Why a reminder cannot be sent (no WhatsApp account, a wrong number); not tried again. */
  reminderError: string | null;
  /** The client's answer to the reminder; null while none came and the 12 hours are not over. */
  answer: ClientAnswer | null;
}

export type NewAppointment = Pick<Appointment, 'clientName' | 'clientPhone' | 'appointmentDate' | 'appointmentTime' | 'specialistName' | 'startsAt'>;

const day = 24 * 60 * 60 * 1000;
const markRemindedSql = 'update appointments set reminded_at = ?, reminder_message_id = ? where id = ? and reminded_at is null';
const insertAppointment = 'insert into appointments (client_name, client_phone, appointment_date, appointment_time, specialist_name, starts_at) values (?, ?, ?, ?, ?, ?)';

/** The catalog "Appointments" in SQLite, and the schedule's ledger of ticks. */
export class AppointmentCatalog {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      create table if not exists appointments (
        id integer primary key,
        client_name text not null,
        client_phone text not null,
        appointment_date text not null,
        appointment_time text not null,
        specialist_name text not null,
        starts_at integer not null,
        reminded_at integer,
        reminder_message_id text,
        reminder_error text,
        answer text
      );
      create table if not exists schedule_ticks (scenario text primary key, last_tick integer not null);
      create table if not exists waiting_processes (process_instance_id text primary key, state text not null);
    `);
  }

  add(appointment: NewAppointment): Appointment {
    const { lastInsertRowid } = this.db
      .prepare(insertAppointment)
      .run(appointment.clientName, appointment.clientPhone, appointment.appointmentDate, appointment.appointmentTime, appointment.specialistName, appointment.startsAt);
    return this.get(Number(lastInsertRowid)) as Appointment;
  }

  /** Adds many appointments in one transaction (one commit, not one per record), e.g. a bench's catalog. */
  addAll(appointments: readonly NewAppointment[]): void {
    const insert = this.db.prepare(insertAppointment);
    this.db.transaction(() => {
      for (const a of appointments) insert.run(a.clientName, a.clientPhone, a.appointmentDate, a.appointmentTime, a.specialistName, a.startsAt);
    })();
  }

  get(id: number): Appointment | undefined {
    const row = this.db.prepare('select * from appointments where id = ?').get(id) as Row | undefined;
    return row && toAppointment(row);
  }

  all(): Appointment[] {
    return (this.db.prepare('select * from appointments order by starts_at, id').all() as Row[]).map(toAppointment);
  }

  /**
   * Appointments that start within 24 hours of `now`, not reminded and not failed for good, the
   * earliest first; at most `limit` of them, so a pass over a large catalog holds one batch at a time.
   */
  dueForReminder(now: number, limit = -1): Appointment[] {
    const rows = this.db
      .prepare('select * from appointments where reminded_at is null and reminder_error is null and starts_at > ? and starts_at <= ? order by starts_at, id limit ?')
      .all(now, now + day, limit) as Row[];
    return rows.map(toAppointment);
  }

  markReminded(id: number, messageId: string, at: number): void {
    this.db.prepare(markRemindedSql).run(at, messageId, id);
  }

  /** Marks a batch reminded in one transaction: one commit (one disk flush), not one per record. */
  markAllReminded(reminders: readonly { id: number; messageId: string }[], at: number): void {
    const mark = this.db.prepare(markRemindedSql);
    this.db.transaction(() => {
      for (const { id, messageId } of reminders) mark.run(at, messageId, id);
    })();
  }

  /** The client's answer; the first one recorded stands. */
  markAnswer(id: number, answer: ClientAnswer): void {
    this.db.prepare('update appointments set answer = ? where id = ? and answer is null').run(answer, id);
  }

  /** The states of the confirmation processes waiting for a client's answer (see `WaitingProcesses`). */
  waitingProcesses(): ProcessStateStore {
    const save = this.db.prepare('insert into waiting_processes (process_instance_id, state) values (?, ?) on conflict (process_instance_id) do update set state = excluded.state');
    const remove = this.db.prepare('delete from waiting_processes where process_instance_id = ?');
    const list = this.db.prepare('select process_instance_id as processInstanceId, state from waiting_processes');
    return {
      save: async (id, state) => void save.run(id, state),
      remove: async (id) => void remove.run(id),
      list: async () => list.all() as { processInstanceId: string; state: string }[],
    };
  }

  markFailed(id: number, error: string): void {
    this.db.prepare('update appointments set reminder_error = ? where id = ? and reminded_at is null').run(error, id);
  }

  /** The scheduler's memory of the last tick it ran for `scenario`. */
  ledger(scenario: string): TickLedger {
    return {
      lastTick: async () => (this.db.prepare('select last_tick from schedule_ticks where scenario = ?').get(scenario) as { last_tick: number } | undefined)?.last_tick,
      recordTick: async (tick) => {
        this.db.prepare('insert into schedule_ticks (scenario, last_tick) values (?, ?) on conflict (scenario) do update set last_tick = excluded.last_tick').run(scenario, tick);
      },
    };
  }

  close(): void {
    this.db.close();
  }
}

interface Row {
  id: number;
  client_name: string;
  client_phone: string;
  appointment_date: string;
  appointment_time: string;
  specialist_name: string;
  starts_at: number;
  reminded_at: number | null;
  reminder_message_id: string | null;
  reminder_error: string | null;
  answer: ClientAnswer | null;
}

function toAppointment(row: Row): Appointment {
  return {
    id: row.id,
    clientName: row.client_name,
    clientPhone: row.client_phone,
    appointmentDate: row.appointment_date,
    appointmentTime: row.appointment_time,
    specialistName: row.specialist_name,
    startsAt: row.starts_at,
    remindedAt: row.reminded_at,
    reminderMessageId: row.reminder_message_id,
    reminderError: row.reminder_error,
    answer: row.answer,
  };
}
