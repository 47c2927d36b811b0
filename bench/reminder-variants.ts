/**
 * The measurements of `bench/reminder.ts`, each run in a fresh child process: the example's
 * process as shipped (large rounds in batches) and with every round one by one (the per-record
 * sub-process it used for everything before), the same work without a process engine (one record
 * at a time, and 50 at a time as the batch sends them), and bpmn-engine's own loops with nothing in
 * them: reminder.bpmn's multi-instance sub-process with do-nothing services, the same elements
 * as a process instance per record on a definition parsed once, and a multi-instance service task.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Engine } from 'bpmn-engine';
import { AppointmentCatalog, type Appointment, type NewAppointment } from '../examples/appointment-reminder/catalog.js';
import { reminderScenario } from '../examples/appointment-reminder/scenario.js';
import { ActionRunner } from '../src/actions/runner.js';
import { execute, inProcessGateway } from '../src/component/index.js';
import { systemClock } from '../src/domain/clock.js';
import { SandboxEngine, SandboxNetwork } from '../src/engines/sandbox/index.js';
import { openDatabase } from '../src/store/index.js';

export const variants = ['bpmn process', 'bpmn, one by one', 'direct (no BPMN)', 'direct, 50 at a time', 'bare sub-process loop', 'bare process per record', 'bare bpmn-engine loop'] as const;
export type Variant = (typeof variants)[number];

/** The variants that cost ~10 ms a record: measured only up to `BENCH_PER_RECORD_MAX` records (1,000 unless set). */
export const perRecordVariants: ReadonlySet<Variant> = new Set(['bpmn, one by one', 'bare sub-process loop', 'bare process per record']);

export interface Measurement {
  wallMs: number;
  cpuMs: number;
  /** RSS once the catalog, sandbox and store are set up, before the pass. */
  setupRss: number;
  /** The child's peak RSS over its whole life. */
  peakRss: number;
}

const sessionId = 'clinic';
const botPhone = '+79000000001';

function dueAppointments(n: number, now: number): NewAppointment[] {
  return Array.from({ length: n }, (_, i) => ({
    clientName: `Клиент ${i}`,
    clientPhone: `+7901${String(i).padStart(7, '0')}`,
    appointmentDate: '03.03.2026',
    appointmentTime: `${String(9 + (i % 9)).padStart(2, '0')}:00`,
    specialistName: 'Иванова М. П.',
    startsAt: now + 60 * 60 * 1000 + (i % 1000),
  }));
}

async function timed(pass: () => Promise<void>): Promise<Omit<Measurement, 'peakRss'>> {
  global.gc?.();
  const setupRss = process.memoryUsage.rss();
  const cpu = process.cpuUsage();
  const began = performance.now();
  await pass();
  const wallMs = performance.now() - began;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, setupRss };
}

const peakRss = () => process.resourceUsage().maxRSS * 1024;

export async function runVariant(variant: Variant, n: number): Promise<Measurement> {
  if (variant === 'bare bpmn-engine loop') return { ...(await timed(() => bareLoop(taskLoopSource, n))), peakRss: peakRss() };
  if (variant === 'bare sub-process loop') return { ...(await timed(() => bareLoop(subProcessLoopSource, n))), peakRss: peakRss() };
  if (variant === 'bare process per record') return { ...(await timed(() => processPerRecord(n))), peakRss: peakRss() };
  const dir = mkdtempSync(join(tmpdir(), 'wac-reminder-bench-'));
  try {
    const catalog = new AppointmentCatalog(join(dir, 'catalog.db'));
    catalog.addAll(dueAppointments(n, systemClock.now()));
    const store = await openDatabase(`sqlite:${join(dir, 'connector.db')}`);
    const network = new SandboxNetwork({ clock: systemClock, openRegistration: true });
    const engine = new SandboxEngine({ network, clock: systemClock });
    await engine.startSession(sessionId);
    engine.scan(sessionId, botPhone);
    const gateway = inProcessGateway(new ActionRunner({ engine, idempotency: store.idempotency }));

    const scenario = (oneByOneUpTo?: number) => async () => {
      const run = await reminderScenario({ catalog, gateway, connection: sessionId, clock: systemClock, ...(oneByOneUpTo ? { oneByOneUpTo } : {}) })();
      if (run.status !== 'completed') throw new Error(`the process ended in error: ${JSON.stringify(run.error)}`);
    };
    const passes: Record<Exclude<Variant, `bare ${string}`>, () => Promise<void>> = {
      'bpmn process': scenario(),
      'bpmn, one by one': scenario(Number.MAX_SAFE_INTEGER),
      'direct (no BPMN)': () => directPass(catalog, gateway, 1),
      'direct, 50 at a time': () => directPass(catalog, gateway, 50),
    };
    const pass = passes[variant];
    const measured = await timed(pass);
    const peak = peakRss();

    assertExactlyOnce(n, network, catalog);
    engine.close();
    await store.close();
    catalog.close();
    assertOneKeyPerRecord(n, join(dir, 'connector.db'));
    return { ...measured, peakRss: peak };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same reminders with no process engine: the component's `execute` per record and the mark,
 * `width` records at a time (as bpmn-engine runs a parallel loop: the next group once the last is done).
 */
async function directPass(catalog: AppointmentCatalog, gateway: ReturnType<typeof inProcessGateway>, width: number): Promise<void> {
  const properties = {
    connection: sessionId,
    action: 'sendMessage',
    resultVariable: 'reminder',
    timeoutMs: 30_000,
    chat: 'allValues.clientPhone',
    text: 'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!',
  };
  const remind = async (appointment: Appointment) => {
    const outcome = await execute(properties, { allValues: appointment }, { gateway, idempotencyKey: `appointment-reminder:${appointment.id}` });
    if (outcome.outcome !== 'completed') throw new Error(`${appointment.clientPhone}: ${outcome.error.code}`);
    catalog.markReminded(appointment.id, outcome.result.id, systemClock.now());
  };
  for (let due = catalog.dueForReminder(systemClock.now(), 500); due.length > 0; due = catalog.dueForReminder(systemClock.now(), 500)) {
    for (let i = 0; i < due.length; i += width) await Promise.all(due.slice(i, i + width).map(remind));
  }
}

const loopProcess = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bare">
  <process id="bareProcess" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toLoop" sourceRef="start" targetRef="loop" />
    ${body}
    <sequenceFlow id="toEnd" sourceRef="loop" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;
const loop = '<multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>${environment.variables.n}</loopCardinality></multiInstanceLoopCharacteristics>';
const noop = 'implementation="${environment.services.noop}"';

const taskLoopSource = loopProcess(`<serviceTask id="loop" ${noop}>${loop}</serviceTask>`);

/** reminder.bpmn's per-record sub-process, element for element, with do-nothing services. */
const perRecordElements = `
      <startEvent id="remindStart" />
      <sequenceFlow id="toSend" sourceRef="remindStart" targetRef="send" />
      <serviceTask id="send" ${noop} />
      <sequenceFlow id="toMark" sourceRef="send" targetRef="markReminded" />
      <serviceTask id="markReminded" ${noop} />
      <sequenceFlow id="toRemindEnd" sourceRef="markReminded" targetRef="remindEnd" />
      <endEvent id="remindEnd" />
      <boundaryEvent id="cannotSend" attachedToRef="send"><errorEventDefinition /></boundaryEvent>
      <sequenceFlow id="toNote" sourceRef="cannotSend" targetRef="noteFailure" />
      <serviceTask id="noteFailure" ${noop} />
      <sequenceFlow id="toFailedEnd" sourceRef="noteFailure" targetRef="failedEnd" />
      <endEvent id="failedEnd" />`;

const subProcessLoopSource = loopProcess(`<subProcess id="loop">${loop}${perRecordElements}
    </subProcess>`);

const perRecordProcessSource = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bare">
  <process id="perRecord" isExecutable="true">${perRecordElements}
  </process>
</definitions>`;

const countingServices = () => {
  const counter = { calls: 0 };
  return { counter, services: { noop: (_context: unknown, next: () => void) => (counter.calls++, next()) } };
};

/** bpmn-engine alone: a sequential loop of N runs whose services do nothing. */
async function bareLoop(source: string, n: number): Promise<void> {
  const { counter, services } = countingServices();
  const engine = new Engine({ source, variables: { n }, services });
  const ended = engine.waitFor('end');
  await engine.execute();
  await ended;
  if (counter.calls < n) throw new Error(`the bare loop ran ${counter.calls} services for ${n} runs`);
}

/** The other shape for large catalogs: a process instance per record, on a definition parsed once. */
async function processPerRecord(n: number): Promise<void> {
  const { counter, services } = countingServices();
  // bpmn-engine parses through a method of its own; a host would call bpmn-moddle's fromXML once.
  const parser = new Engine({ source: perRecordProcessSource }) as unknown as { _getModdleContext(source: string): Promise<unknown> };
  const moddleContext = await parser._getModdleContext(perRecordProcessSource);
  for (let i = 0; i < n; i++) {
    const engine = new Engine({ moddleContext, services } as ConstructorParameters<typeof Engine>[0]);
    const ended = engine.waitFor('end');
    await engine.execute();
    await ended;
  }
  if (counter.calls < 2 * n) throw new Error(`the processes ran ${counter.calls} services for ${n} records`);
}

/** Every client got exactly one message and every record is marked: fails loudly otherwise. */
function assertExactlyOnce(n: number, network: SandboxNetwork, catalog: AppointmentCatalog): void {
  const chats = network.allChats();
  const wrong = chats.filter((chat) => chat.messageCount !== 1);
  if (chats.length !== n || wrong.length > 0) {
    throw new Error(`NOT EXACTLY ONCE: ${chats.length} chats for ${n} clients; ${wrong.length} with other than one message (e.g. ${wrong.slice(0, 3).map((chat) => `${chat.title}: ${chat.messageCount}`).join(', ')})`);
  }
  const unmarked = catalog.all().filter((a) => a.remindedAt === null).length;
  if (unmarked > 0) throw new Error(`NOT EXACTLY ONCE: ${unmarked} records not marked reminded`);
}

function assertOneKeyPerRecord(n: number, file: string): void {
  const db = new Database(file, { readonly: true });
  const { rows, keys } = db.prepare('select count(*) as rows, count(distinct key) as keys from idempotency').get() as { rows: number; keys: number };
  db.close();
  if (rows !== n || keys !== n) throw new Error(`NOT EXACTLY ONCE: ${rows} idempotency rows with ${keys} keys for ${n} records`);
}
