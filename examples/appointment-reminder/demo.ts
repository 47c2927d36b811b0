/**
 * `npm run demo`: the seed's worked example over one simulated day. Starts the connector service
 * in sandbox mode, links a virtual phone, fills the catalog with appointments over two days, and
 * lets the schedule start the reminder process every five minutes on an injected clock. Prints
 * each reminder, a progress bar and a summary. A few virtual clients answer: "1" confirms, "2"
 * cancels, the others stay silent and are marked "no answer" 12 hours after their reminder. `npm run demo -- --keep` leaves the service (and its
 * /sandbox page) running after the summary until Ctrl+C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { feedReplies, ReplyWaits, streamedReplies } from '../../src/adapters/bpmn-engine/index.js';
import { ScenarioScheduler } from '../../src/adapters/schedule/index.js';
import { httpGateway } from '../../src/component/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startService } from '../../src/service/server.js';
import { AppointmentCatalog, type Appointment, type ClientAnswer, type NewAppointment } from './catalog.js';
import { confirmations } from './confirmation.js';
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

/** What the virtual clients answer, by their place in the catalog: 1, 2, a question (waited past), or nothing. */
const answerPlan = ['1', '2', '1', 'А можно перенести на четверг?', '1', undefined] as const;
const answerNames: Record<ClientAnswer, string> = { confirmed: 'confirmed', cancelled: 'cancelled', 'no answer': 'no answer' };

/** Waits a little wall time until `condition` holds: the event stream and the processes run beside the simulated clock. */
async function settled(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition() && tries < 1_000; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
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
    const clinicPhone = '+79000000001';
    // The clients' answers come back over the connection's event stream to the waiting confirmation processes.
    const replies = new ReplyWaits();
    const stream = streamedReplies({ baseUrl: service.url, token });
    const stopFeed = feedReplies(stream, replies);
    await stream.ready();
    const gateway = httpGateway({ baseUrl: service.url });
    const confirming = confirmations({
      catalog,
      gateway,
      replies,
      clock,
      onAnswer: (appointment, answer) => sent.push(`${dateText.format(clock.now())} ${timeText.format(clock.now())}  ← ${appointment.clientName}: ${answerNames[answer]}`),
    });
    const toAnswer: Appointment[] = [];
    const answerClients = async () => {
      for (const appointment of toAnswer.splice(0)) {
        const text = answerPlan[(appointment.id - 1) % answerPlan.length];
        if (text === undefined) continue;
        await fetch(`${service.url}/v1/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: appointment.clientPhone, to: clinicPhone, text }) });
      }
    };
    const run = reminderScenario({
      catalog,
      gateway,
      connection: token,
      clock,
      onReminder: (appointment, result) => {
        void confirming.ask(token, appointment);
        toAnswer.push(appointment);
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

    // The day, then 12 hours more (the schedule stopped) for the last reminders' answers or silence.
    const daySteps = day / (5 * minute);
    const steps = (day + 12 * hour) / (5 * minute);
    for (let step = 1; step <= steps; step++) {
      if (step === daySteps + 1) await scheduler.stop();
      clock.advance(5 * minute);
      await new Promise((resolve) => setImmediate(resolve));
      await scheduler.idle();
      // A client answers once its confirmation waits (the processes run beside the simulated clock).
      await settled(() => replies.size === confirming.waiting);
      await answerClients();
      const clear = process.stdout.isTTY ? `\r${' '.repeat(60)}\r` : '';
      for (const line of sent.splice(0)) process.stdout.write(`${clear}${line}\n`);
      if (process.stdout.isTTY || step % 24 === 0 || step === steps) {
        process.stdout.write(`${process.stdout.isTTY ? '\r' : ''}${bar(step, steps)} ${timeText.format(clock.now())}${process.stdout.isTTY ? '' : '\n'}`);
      }
    }
    await settled(() => confirming.waiting === 0);
    stopFeed();

    const all = catalog.all();
    const reminded = all.filter((a) => a.remindedAt !== null);
    const due = all.filter((a) => a.startsAt <= start + 2 * day); // due by the end of the simulated day
    const seen = await Promise.all(reminded.map(async (a) => ((await (await fetch(`${service.url}/v1/sandbox/chats/${encodeURIComponent(a.clientPhone)}/messages`)).json()) as { messages: unknown[] }).messages.length));
    const delivered = seen.reduce((sum, count) => sum + count, 0);
    const once = seen.every((count) => count === 1);
    console.log('\nAnswers:');
    for (const a of reminded) console.log(`  ${a.clientName.padEnd(16)} ${a.appointmentDate} ${a.appointmentTime}  ${a.answer ?? 'waiting'}`);
    const count = (answer: ClientAnswer) => reminded.filter((a) => a.answer === answer).length;
    console.log(`Answers: ${count('confirmed')} confirmed, ${count('cancelled')} cancelled, ${count('no answer')} no answer, ${reminded.filter((a) => a.answer === null).length} still waiting.`);
    console.log(
      `\nSummary: ${runs} scheduled runs over 24 simulated hours; ${reminded.length} of ${all.length} appointments reminded ` +
        `(${due.length} were due within the day; the rest are the day after), ${delivered} reminders to ${seen.length} clients, ` +
        `${once ? 'each client reminded exactly once' : 'SOME CLIENT GOT MORE THAN ONE MESSAGE'}; ${((performance.now() - began) / 1000).toFixed(1)} s.`,
    );
    if (!once || reminded.length !== due.length || reminded.some((a) => a.answer === null)) process.exitCode = 1;
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
