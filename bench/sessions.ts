/**
 * What a linked session of the Baileys engine costs, against the WhatsApp Web protocol emulator.
 * Prints two tables; asserts nothing.
 *
 * CPU per message: one engine session and one bare Baileys socket (what `linkedClient` in the
 * emulator's tests makes), linked to two accounts of the same emulator, each send `BENCH_MESSAGES`
 * (default 300) texts to one recipient after 30 for warm-up, one after another, each waited on
 * until the server's ack arrives on the socket, as the engine waits. CPU is the bench process's
 * user + system time (`process.cpuUsage()`) per message, wall is the time per message. The two
 * take turns for 3 rounds, each going first in turn, and the medians are compared (this machine
 * is noisy, ±30 %); the goal is the engine at most 1.15× the bare socket's CPU. It runs first,
 * in a process that has made no other socket: Baileys 7 gives every socket an AsyncLocalStorage
 * and never disables it, and on Node < 24 each enabled one is visited on every promise the
 * process makes afterwards (Baileys issue #2806). The engine's sockets use views of one shared
 * storage instead (src/engines/baileys/socket-storage.ts), but the bare client here does not.
 *
 * Memory per linked session: one engine links 1, then 49 more, then 150 more sessions (the steps
 * of `BENCH_SESSIONS`, default 1,50,200), each to its own account, 10 links at a time. Before the
 * first link and after each step (every session connected, a second to settle, `gc()` a few
 * times) it reads heapUsed and rss. "per session" is (after − before) / N from the empty engine:
 * with N = 1 it still holds one-time costs (code compiled, heap pages V8 keeps once grown), at 200
 * close to the real price; "per added" is the growth since the previous step, divided by the
 * sessions added, the marginal price without the one-time part. Growing one engine rather than
 * starting one per step is how the service lives (sessions come one by one), and rss — which V8
 * gives back to the system only lazily — stays comparable between steps. The goal is at most
 * 8 MB per session, judged on rss at the last step. After each step the first session sends
 * `BENCH_MESSAGES` texts with all the step's sessions open: CPU per message at the last step is
 * to be at most 1.2× the first step's (`BENCH_SESSIONS=1,100,1000` for the figure).
 * Credentials are handed to a store that keeps nothing, because the service keeps them in its
 * database: a copy in this heap is no cost of the engine.
 *
 * The emulator runs in a child process of this file, driven over IPC (add an account, scan a QR):
 * so neither its memory (accounts, connections, an inbox of every message) nor its CPU (it
 * decrypts every message for each recipient device) lands in the numbers, which are the client
 * side only. Wall time still includes the server's turn.
 *
 * Run with `npm run bench:sessions` (node --expose-gc); `BENCH_SESSIONS=1,5,10 BENCH_MESSAGES=50`
 * for a quick run. The process ends up to 30 s after its last line: Baileys arms a 30 s pre-key
 * upload timeout on every connection and never clears it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import makeWASocket, { DisconnectReason, type BinaryNode } from 'baileys';
import type { CredentialStore, EngineEvent } from '../src/engines/engine.js';
import { BaileysEngine, silentLogger, trustRootKey } from '../src/engines/baileys/index.js';
import { MemoryAuth } from '../test/wa-emulator/baileys-client.js';
import { scanQr, startEmulator } from '../test/wa-emulator/index.js';
import { median } from './stats.js';

const sessionSteps = (process.env.BENCH_SESSIONS ?? '1,50,200').split(',').map(Number);
const measuredMessages = Number(process.env.BENCH_MESSAGES ?? 300);
const warmupMessages = 30;
const rounds = 3;
/** Links under way at once: enough to keep the CPU busy, few enough that no handshake times out. */
const linksAtOnce = 10;
const goalMbPerSession = 8;
const goalCpuRatio = 1.15;
/** CPU per message with the last step's sessions open, against the first step's. */
const goalCpuGrowth = 1.2;
const emulatorRole = '--serve-emulator';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A message id as WhatsApp Web makes them, so both variants send ids of the same shape. */
const newMessageId = () => `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;

// ——— The emulator, in a child process ———

type EmulatorCall = { op: 'addAccount'; phone: string } | { op: 'scan'; phone: string; qr: string };
type EmulatorReply = { id: number; error?: string };

/** The child's side: an emulator that does what the parent asks and exits when the parent lets go. */
async function serveEmulator(): Promise<void> {
  const emulator = await startEmulator();
  const reply = (message: EmulatorReply) => process.send?.(message);
  process.on('message', (message: { id: number } & EmulatorCall) => {
    const done = message.op === 'addAccount' ? Promise.resolve(emulator.addAccount(message.phone)) : scanQr(emulator, message.phone, message.qr);
    done.then(
      () => reply({ id: message.id }),
      (error: unknown) => reply({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.once('disconnect', () => void emulator.close().then(() => process.exit(0)));
  process.send?.({ url: emulator.url, rootPublicKey: Buffer.from(emulator.rootPublicKey).toString('base64') });
}

/** The parent's side: the emulator's URL, and calls that resolve once the child did them. */
class EmulatorProcess {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly releaseRoot: () => void,
  ) {
    child.on('message', (message: EmulatorReply) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(`emulator: ${message.error}`));
    });
  }

  static async start(): Promise<EmulatorProcess> {
    const child = fork(fileURLToPath(import.meta.url), [emulatorRole]);
    const ready = await new Promise<{ url: string; rootPublicKey: string }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
    });
    // Baileys checks the server's certificate against one process-wide root: the emulator's, here.
    return new EmulatorProcess(child, ready.url, trustRootKey(Buffer.from(ready.rootPublicKey, 'base64')));
  }

  addAccount(phone: string): Promise<void> {
    return this.call({ op: 'addAccount', phone });
  }

  /** The account's phone scans the QR a client shows, which links that client to the account. */
  scan(phone: string, qr: string): Promise<void> {
    return this.call({ op: 'scan', phone, qr });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
    this.releaseRoot();
  }

  private call(request: EmulatorCall): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, ...request });
    });
  }
}

// ——— Linking engine sessions ———

/** Credentials go to the service's database, not the engine's heap: this store keeps nothing. */
const credentialsKeptElsewhere: CredentialStore = {
  load: async () => ({}),
  save: async () => {},
  clear: async () => {},
};

/** Links engine sessions by QR, each to its own account: the account's phone scans the first QR. */
class Linker {
  private readonly pending = new Map<string, { phone: string; scanned: boolean; linked(): void; failed(error: Error): void }>();

  constructor(
    readonly engine: BaileysEngine,
    private readonly emulator: EmulatorProcess,
  ) {
    engine.subscribe((event) => this.onEvent(event));
  }

  async link(sessionId: string, phone: string): Promise<void> {
    await this.emulator.addAccount(phone);
    const connected = new Promise<void>((linked, failed) => this.pending.set(sessionId, { phone, scanned: false, linked, failed }));
    await this.engine.startSession(sessionId);
    await connected;
  }

  private onEvent(event: EngineEvent): void {
    const link = this.pending.get(event.sessionId);
    if (!link) return;
    if (event.type === 'qr' && !link.scanned) {
      link.scanned = true;
      this.emulator.scan(link.phone, event.qr).catch(link.failed);
    } else if (event.type === 'connected') {
      this.pending.delete(event.sessionId);
      link.linked();
    } else if (event.type === 'link-failed' || event.type === 'logged-out') {
      this.pending.delete(event.sessionId);
      link.failed(new Error(`${event.sessionId} did not link: ${event.reason}`));
    }
  }
}

const sessionPhone = (n: number) => `7901${String(n).padStart(7, '0')}`;

/** Links sessions `from`..`to` − 1, `linksAtOnce` at a time, reporting progress on stderr. */
async function linkSessions(linker: Linker, from: number, to: number): Promise<void> {
  const started = performance.now();
  for (let first = from; first < to; first += linksAtOnce) {
    const batch = Array.from({ length: Math.min(linksAtOnce, to - first) }, (_, i) => first + i);
    await Promise.all(batch.map((n) => linker.link(`s${n}`, sessionPhone(n))));
    progress(`linked ${first + batch.length}/${to} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  progress('');
}

/** A transient line on a terminal; one line each otherwise, so a log shows how far it got. */
function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else if (text) process.stderr.write(`${text}\n`);
}

interface Memory {
  heapUsed: number;
  rss: number;
}

/** Heap and rss once the sessions' start-up work is over and garbage collected. */
async function settledMemory(): Promise<Memory> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:sessions does)');
  // Right after `connected` a session still uploads prekeys and asks its first queries.
  await sleep(1_000);
  // One full collection can leave garbage that only its finalisers freed; a few settle it.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

async function measureMemory(emulator: EmulatorProcess): Promise<void> {
  const engine = new BaileysEngine({ credentials: credentialsKeptElsewhere, url: emulator.url, pace: { intervalMs: 0 } });
  const linker = new Linker(engine, emulator);
  const mb = (bytes: number) => (bytes / MB).toFixed(1);
  const row = (label: string, memory: Memory, perSession = '', perAdded = '', seconds = '', cpu = '') =>
    `${label.padEnd(10)}${mb(memory.heapUsed).padStart(9)}${mb(memory.rss).padStart(9)}${perSession.padStart(24)}${perAdded.padStart(22)}${seconds.padStart(8)}${cpu.padStart(12)}`;
  // With every step's sessions open, the first session sends to one recipient: what a message costs
  // the engine as sessions grow (each open socket's storage once made every promise dearer).
  const recipientJid = '79020000098@s.whatsapp.net';
  await emulator.addAccount('79020000098');
  const sendFromFirst = async () => void (await engine.send('s0', { type: 'text', chat: recipientJid, text: 'Reminder: your appointment is tomorrow at 10:00.' }, { messageId: newMessageId() }));
  const cpuPerMessage: number[] = [];
  console.log(`\nmemory per linked session — ${linksAtOnce} links at a time, each session its own account; CPU per message of one session with all of them open\n`);
  console.log(`${'sessions'.padEnd(10)}${'heap MB'.padStart(9)}${'rss MB'.padStart(9)}${'MB/session heap / rss'.padStart(24)}${'MB/added heap / rss'.padStart(22)}${'link s'.padStart(8)}${'CPU µs/msg'.padStart(12)}`);
  const before = await settledMemory();
  console.log(row('0', before));
  let linked = 0;
  let previous = before;
  let last: { sessions: number; rssPerSession: number; heapPerSession: number } | undefined;
  try {
    for (const sessions of sessionSteps) {
      const started = performance.now();
      await linkSessions(linker, linked, sessions);
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      const after = await settledMemory();
      const perSession = { heap: (after.heapUsed - before.heapUsed) / sessions, rss: (after.rss - before.rss) / sessions };
      const added = sessions - linked;
      const perAdded = { heap: (after.heapUsed - previous.heapUsed) / added, rss: (after.rss - previous.rss) / added };
      if (linked === 0) await timeSends(warmupMessages, sendFromFirst);
      const { cpuMicros } = await timeSends(measuredMessages, sendFromFirst);
      cpuPerMessage.push(cpuMicros);
      const cpu = cpuMicros.toFixed(0);
      console.log(row(String(sessions), after, `${mb(perSession.heap)} / ${mb(perSession.rss)}`, linked === 0 ? '' : `${mb(perAdded.heap)} / ${mb(perAdded.rss)}`, seconds, cpu));
      linked = sessions;
      previous = after;
      last = { sessions, rssPerSession: perSession.rss, heapPerSession: perSession.heap };
    }
  } finally {
    progress('');
    await engine.close();
  }
  if (last) {
    const met = last.rssPerSession <= goalMbPerSession * MB;
    console.log(`\ngoal ≤ ${goalMbPerSession} MB per session: ${met ? 'met' : 'not met'} (rss ${mb(last.rssPerSession)} MB, heap ${mb(last.heapPerSession)} MB per session at ${last.sessions})`);
    const growth = (cpuPerMessage.at(-1) as number) / (cpuPerMessage[0] as number);
    console.log(`CPU per message with ${last.sessions} open / with ${sessionSteps[0]} open: ${growth.toFixed(2)}×; goal ≤ ${goalCpuGrowth}×: ${growth <= goalCpuGrowth ? 'met' : 'not met'}`);
  }
}

// ——— CPU per message: the engine's send beside a bare Baileys socket ———

type Socket = ReturnType<typeof makeWASocket>;

/**
 * A bare Baileys socket linked by QR, as `test/wa-emulator/linked-client.ts` links one (restarted
 * on 515 after the scan), with the server's acks read off the socket as the engine reads them.
 */
class BareClient {
  private sock!: Socket;
  private stopped = false;
  private readonly auth = new MemoryAuth();
  private readonly acks = new Map<string, () => void>();
  private readonly opened: Promise<void>;
  private markOpen!: () => void;

  private constructor(
    private readonly emulator: EmulatorProcess,
    private readonly phone: string,
  ) {
    this.opened = new Promise((resolve) => (this.markOpen = resolve));
    this.connect();
  }

  static async link(emulator: EmulatorProcess, phone: string): Promise<BareClient> {
    await emulator.addAccount(phone);
    const client = new BareClient(emulator, phone);
    await client.opened;
    return client;
  }

  async send(jid: string, text: string, messageId: string): Promise<void> {
    const acked = new Promise<void>((resolve) => this.acks.set(messageId, resolve));
    await this.sock.sendMessage(jid, { text }, { messageId });
    await acked;
  }

  stop(): void {
    this.stopped = true;
    void this.sock.end(undefined);
  }

  private connect(): void {
    const sock = makeWASocket({
      waWebSocketUrl: this.emulator.url,
      auth: { creds: this.auth.creds, keys: this.auth.keys },
      logger: silentLogger,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
    });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.auth.creds, update));
    sock.ev.on('connection.update', (update) => {
      if (update.qr) this.emulator.scan(this.phone, update.qr).catch((error: unknown) => console.error(error));
      if (update.connection === 'open') this.markOpen();
      const status = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
      if (update.connection === 'close' && status === DisconnectReason.restartRequired && !this.stopped) this.connect();
    });
    sock.ws.on('CB:ack,class:message', (node: BinaryNode) => {
      const id = node.attrs.id;
      if (id === undefined) return;
      this.acks.get(id)?.();
      this.acks.delete(id);
    });
  }
}

interface SendCost {
  cpuMicros: number;
  wallMs: number;
}

/** CPU µs and wall ms per message over `count` sends, one after another. */
async function timeSends(count: number, send: (n: number) => Promise<void>): Promise<SendCost> {
  globalThis.gc?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let n = 0; n < count; n++) await send(n);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMicros: (cpu.user + cpu.system) / count, wallMs: wallMs / count };
}

async function measureSendCpu(emulator: EmulatorProcess): Promise<void> {
  const recipient = '79020000099';
  const recipientJid = `${recipient}@s.whatsapp.net`;
  await emulator.addAccount(recipient);
  const engine = new BaileysEngine({ credentials: credentialsKeptElsewhere, url: emulator.url, pace: { intervalMs: 0 } });
  await new Linker(engine, emulator).link('cpu', '79020000001');
  const bare = await BareClient.link(emulator, '79020000002');
  const text = (n: number) => `Reminder ${n}: your appointment is tomorrow at 10:00.`;
  const variants = [
    { name: 'engine.send', send: async (n: number) => void (await engine.send('cpu', { type: 'text', chat: recipientJid, text: text(n) }, { messageId: newMessageId() })) },
    { name: 'bare sendMessage', send: (n: number) => bare.send(recipientJid, text(n), newMessageId()) },
  ];
  const results = new Map<string, SendCost[]>(variants.map((variant) => [variant.name, []]));
  const row = (label: string, cost: SendCost) => `${label.padEnd(30)}${cost.cpuMicros.toFixed(0).padStart(14)}${cost.wallMs.toFixed(2).padStart(14)}`;
  try {
    // The first messages set up the Signal sessions with the recipient's and the owner's devices.
    for (const variant of variants) await timeSends(warmupMessages, variant.send);
    console.log(`CPU per text message, sent one after another and acked — node ${process.version}, ${availableParallelism()} cores, ${rounds} rounds of ${measuredMessages} after ${warmupMessages} for warm-up\n`);
    console.log(`${'variant'.padEnd(30)}${'CPU µs/msg'.padStart(14)}${'wall ms/msg'.padStart(14)}`);
    for (let round = 1; round <= rounds; round++) {
      // Each goes first in turn, so neither always runs in the other's wake.
      for (const variant of round % 2 === 1 ? variants : [...variants].reverse()) {
        const cost = await timeSends(measuredMessages, variant.send);
        results.get(variant.name)?.push(cost);
        console.log(row(`round ${round}: ${variant.name}`, cost));
      }
    }
  } finally {
    bare.stop();
    await engine.close();
  }
  const medianOf = (name: string): SendCost => {
    const costs = results.get(name) ?? [];
    return { cpuMicros: median(costs.map((c) => c.cpuMicros)), wallMs: median(costs.map((c) => c.wallMs)) };
  };
  const viaEngine = medianOf('engine.send');
  const viaBare = medianOf('bare sendMessage');
  console.log(`\n${row('median: engine.send', viaEngine)}\n${row('median: bare sendMessage', viaBare)}`);
  const cpuRatio = viaEngine.cpuMicros / viaBare.cpuMicros;
  console.log(`\nengine/bare: CPU ${cpuRatio.toFixed(2)}×, wall ${(viaEngine.wallMs / viaBare.wallMs).toFixed(2)}×`);
  console.log(`goal ≤ ${goalCpuRatio}× the bare socket's CPU per message: ${cpuRatio <= goalCpuRatio ? 'met' : 'not met'}`);
}

async function main(): Promise<void> {
  // tsx turns source maps on; the service runs compiled without them. Baileys reads `new
  // Error().stack` on every query and timer, which source maps make several times dearer.
  process.setSourceMapsEnabled(false);
  const emulator = await EmulatorProcess.start();
  try {
    // CPU first: Baileys leaves every socket it ever made an enabled AsyncLocalStorage, and each
    // one makes every later promise dearer, so after the 200-session step both variants cost ~3×.
    await measureSendCpu(emulator);
    await measureMemory(emulator);
  } finally {
    await emulator.close();
  }
}

if (process.argv.includes(emulatorRole)) await serveEmulator();
else await main();
