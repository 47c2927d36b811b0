/**
 * `npm run demo`: the seed's worked example over one simulated day. Starts the connector service
 * in sandbox mode, links a virtual phone, fills the catalog with appointments over two days, and
 * lets the schedule start the reminder process every five minutes on an injected clock. Prints
 * each reminder, a progress bar and a summary. `npm run demo -- --keep` leaves the service (and its
 * /sandbox page) running after the summary until Ctrl+C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ScenarioScheduler } from '../../src/adapters/schedule/index.js';
import { httpGateway } from '../../src/component/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startService } from '../../src/service/server.js';
import { AppointmentCatalog, type NewAppointment } from './catalog.js';
import { linkVirtualPhone } from './link-phone.js';
import { reminderScenario, reminderSchedule } from './scenario.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const timeZone = reminderSchedule.timeZone;
const start = Date.parse('2026-03-02T06:00:00Z');

const clients = ['Анна Смирнова', 'Борис Петров', 'Вера Иванова', 'Глеб Соколов', 'Дарья Кузнецова', 'Егор Попов', 'Жанна Лебедева', 'Захар Козлов', 'Ирина Новикова', 'Кирилл Морозов'];
// Full names: the seed's template ends the sentence after the name itself ("Специалист: ….").
const specialists = ['Иванова Мария Петровна', 'Сидоров Алексей Викторович', 'Орлова Елена Николаевна'];

const dateText = new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeText = new Intl.DateTimeFormat('ru-RU', { timeZone, hour: '2-digit', minute: '2-digit' });

/** About 20 appointments over the two days after the start, 09:00–18:00 local time. */
function appointments(): NewAppointment[] {
  return Array.from({ length: 20 }, (_, i) => {
    const startsAt = start + (i < 10 ? day : 2 * day) + ((i % 10) * 55 + 60) * minute;
    return {
      clientName: clients[i % clients.length] as string,
      clientPhone: `+7900${String(2_000_000 + i * 7919).slice(0, 7)}`,
      appointmentDate: dateText.format(startsAt),
      appointmentTime: timeText.format(startsAt),
      specialistName: specialists[i % specialists.length] as string,
      startsAt,
    };
  });
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round((done / total) * 100)).padStart(3)}%`;
}

/** Resolves on Ctrl+C (or SIGTERM), so the service's pages can be looked at after the run. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(keep: boolean): Promise<void> {
  const began = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'wac-demo-'));
  const clock = new ManualClock(start);
  const adminKey = 'demo-admin-key-0123456789';
  const service = await startService({
    clock,
    config: { port: 0, host: '127.0.0.1', engine: 'sandbox', dataDir: dir, databaseUrl: `sqlite:${join(dir, 'connector.db')}`, adminKey, secretKey: 'demo-secret-key-0123456789abcdef', logLevel: 'warn' },
  });
  const catalog = new AppointmentCatalog(join(dir, 'appointments.db'));
  try {
    console.log(`WhatsApp Connector (sandbox) on ${service.url}: chats at ${service.url}/sandbox while the demo runs\n`);

    const { token } = await linkVirtualPhone({ baseUrl: service.url, adminKey, scan: (sessionId) => service.sandbox!.scan(sessionId, '+79000000001') });
    console.log('Linked the clinic’s virtual phone +79000000001; connection token issued.');

    for (const appointment of appointments()) catalog.add(appointment);
    console.log(`Catalog "Appointments": ${catalog.all().length} appointments on ${dateText.format(start + day)} and ${dateText.format(start + 2 * day)}.`);
    console.log(`Schedule: "${reminderSchedule.cron}" in ${timeZone}; simulating 24 hours from ${dateText.format(start)} ${timeText.format(start)}.\n`);

    const sent: string[] = [];
    const run = reminderScenario({
      catalog,
      gateway: httpGateway({ baseUrl: service.url }),
      connection: token,
      clock,
      onReminder: (appointment, result) => {
        const line = `${dateText.format(clock.now())} ${timeText.format(clock.now())}  → ${appointment.clientName} (${appointment.clientPhone}), appointment ${appointment.appointmentDate} ${appointment.appointmentTime}\n      «${result.text ?? ''}»`;
        sent.push(line);
      },
      onFailure: (appointment, reason) => sent.push(`${timeText.format(clock.now())}  ✗ ${appointment.clientName}: ${reason}`),
    });
    let runs = 0;
    const scheduler = new ScenarioScheduler({
      schedule: reminderSchedule,
      clock,
      ledger: catalog.ledger(reminderSchedule.scenario),
      run: async () => {
        runs += 1;
        const outcome = await run();
        if (outcome.status === 'error') throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      },
      onError: (error) => sent.push(`run failed: ${(error as Error).message}`),
    });
    await scheduler.start();

    const steps = day / (5 * minute);
    for (let step = 1; step <= steps; step++) {
      clock.advance(5 * minute);
      await new Promise((resolve) => setImmediate(resolve));
      await scheduler.idle();
      const clear = process.stdout.isTTY ? `\r${' '.repeat(60)}\r` : '';
      for (const line of sent.splice(0)) process.stdout.write(`${clear}${line}\n`);
      if (process.stdout.isTTY || step % 24 === 0 || step === steps) {
        process.stdout.write(`${process.stdout.isTTY ? '\r' : ''}${bar(step, steps)} ${timeText.format(clock.now())}${process.stdout.isTTY ? '' : '\n'}`);
      }
    }
    await scheduler.stop();

    const all = catalog.all();
    const reminded = all.filter((a) => a.remindedAt !== null);
    const due = all.filter((a) => a.startsAt <= clock.now() + day);
    const messages = (await (await fetch(`${service.url}/v1/sandbox/chats`)).json()) as { chats: { messageCount: number }[] };
    const delivered = messages.chats.reduce((sum, chat) => sum + chat.messageCount, 0);
    const once = messages.chats.every((chat) => chat.messageCount === 1);
    console.log(
      `\nSummary: ${runs} scheduled runs over 24 simulated hours; ${reminded.length} of ${all.length} appointments reminded ` +
        `(${due.length} were due within the day; the rest are the day after), ${delivered} WhatsApp messages in ${messages.chats.length} chats, ` +
        `${once ? 'each client reminded exactly once' : 'SOME CLIENT GOT MORE THAN ONE MESSAGE'}; ${((performance.now() - began) / 1000).toFixed(1)} s.`,
    );
    if (!once || reminded.length !== due.length) process.exitCode = 1;
    if (keep) {
      console.log(`\nThe service stays up: chats at ${service.url}/sandbox. Press Ctrl+C to stop.`);
      await untilInterrupted();
    }
  } finally {
    catalog.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
await main(values.keep);
