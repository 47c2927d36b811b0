/**
 * What sending large attachments costs in memory: 8 actions at once, each with one 50 MB document,
 * through the runner and the sandbox engine. Prints one table; asserts nothing.
 *
 * Each configuration runs in a child process of its own (started with --expose-gc), so one's
 * heap cannot inflate the next one's numbers; they run one after another and print side by side:
 * - `buffered (as before)`: each body read into one Buffer (chunks, then Buffer.concat) and handed
 *   to the engine as bytes: what the connector did before attachments went to temporary files.
 * - `streamed`: the runner as it is, with the default budgets (every body to a temporary file).
 * - `streamed, 200 MB process budget`: the same with CONNECTOR_ATTACHMENTS_PROCESS_MB=200; the
 *   actions that do not fit are refused with RATE_LIMITED (counted in "refused").
 *
 * Columns: rss before (after warm-up), peak rss (the process's maxRSS, which is the highest rss it
 * ever had), rss after (the sends done, `gc()` three times and a second to settle), and the
 * growth of each over "before". The file server runs in this (parent) process and streams one
 * file from disk, so none of its memory lands in the numbers.
 *
 * Run with `npm run bench:attachments`; `BENCH_FILES=4 BENCH_FILE_MB=20` for a quick run.
 */
import { fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ActionRunner } from '../src/actions/runner.js';
import { ByteBudget } from '../src/attachments/index.js';
import { attachmentBudgets } from '../src/domain/limits.js';
import { linkedSandbox } from '../src/engines/sandbox/index.js';

const MB = 1024 * 1024;
const files = Number(process.env.BENCH_FILES ?? 8);
const fileMb = Number(process.env.BENCH_FILE_MB ?? 50);
const anna = '+79001111111';
const childRole = '--measure';

interface Configuration {
  name: string;
  mode: 'buffered' | 'streamed';
  processMb?: number;
}

const configurations: Configuration[] = [
  { name: 'buffered (as before)', mode: 'buffered' },
  { name: 'streamed', mode: 'streamed' },
  { name: 'streamed, 200 MB process budget', mode: 'streamed', processMb: 200 },
];

interface Measurement {
  before: number;
  peak: number;
  after: number;
  sent: number;
  refused: number;
}

if (process.argv[2] === childRole) {
  const configuration = JSON.parse(process.argv[3] ?? '{}') as Configuration;
  const url = process.argv[4] ?? '';
  process.send?.(await measure(configuration, url));
} else {
  await compare();
}

async function compare(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-attachments-'));
  const path = join(directory, 'document.bin');
  await writeFile(path, Buffer.alloc(fileMb * MB, 0x25));
  const size = fileMb * MB;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/document`;

  console.log(`${files} actions at once, each with one ${fileMb} MB document, runner + sandbox engine (rss in MB)`);
  console.log(['configuration'.padEnd(34), 'before', '  peak', ' after', 'peak-before', 'after-before', 'sent', 'refused'].join('  '));
  try {
    for (const configuration of configurations) {
      const m = await inChild(configuration, url);
      const row = [m.before, m.peak, m.after].map((bytes) => (bytes / MB).toFixed(0).padStart(6));
      const growth = [m.peak - m.before, m.after - m.before].map((bytes, i) => (bytes / MB).toFixed(0).padStart(i === 0 ? 11 : 12));
      console.log([configuration.name.padEnd(34), ...row, ...growth, String(m.sent).padStart(4), String(m.refused).padStart(7)].join('  '));
    }
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function inChild(configuration: Configuration, url: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [childRole, JSON.stringify(configuration), url], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
    });
    child.once('message', (message) => resolve(message as Measurement));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${configuration.name}: the child exited with ${code}`));
    });
  });
}

async function measure(configuration: Configuration, url: string): Promise<Measurement> {
  const sandbox = await linkedSandbox({ phones: { [anna]: { name: 'Anna' } } });
  const budget = new ByteBudget((configuration.processMb ?? attachmentBudgets.processMaxBytes / MB) * MB);
  const runner = new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock, attachments: { allowPrivateAddresses: true, budget } });
  const sendOne = configuration.mode === 'buffered' ? (index: number) => sendBuffered(sandbox, url, index) : (index: number) => sendStreamed(runner, sandbox.sessionId, url, index);

  await sendOne(-1); // warm-up: code compiled, sockets and file paths used once
  await settle();
  const before = process.memoryUsage.rss();
  const outcomes = await Promise.allSettled(Array.from({ length: files }, (_, index) => sendOne(index)));
  const peak = process.resourceUsage().maxRSS * 1024;
  await settle();
  const after = process.memoryUsage.rss();
  sandbox.engine.close();
  const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
  for (const outcome of refused) {
    const code = (outcome.reason as { code?: string }).code;
    if (code !== 'RATE_LIMITED') throw outcome.reason;
  }
  return { before, peak, after, sent: files - refused.length, refused: refused.length };
}

function sendStreamed(runner: ActionRunner, sessionId: string, url: string, index: number): Promise<unknown> {
  return runner.run(sessionId, 'sendMessage', { chat: anna, attachments: { title: `Document ${index}`, url }, attachmentFormat: 'document' });
}

/** The former path: the body gathered in chunks, joined into one Buffer, sent as bytes. */
async function sendBuffered(sandbox: Awaited<ReturnType<typeof linkedSandbox>>, url: string, index: number): Promise<unknown> {
  const response = await fetch(url);
  const chunks: Buffer[] = [];
  for await (const chunk of response.body ?? []) chunks.push(Buffer.from(chunk as Uint8Array));
  const bytes = Buffer.concat(chunks);
  const media = { kind: 'document' as const, bytes, mimeType: 'application/octet-stream', fileName: `Document ${index}.bin` };
  const chat = `${anna.slice(1)}@s.whatsapp.net`;
  return sandbox.engine.send(sandbox.sessionId, { type: 'media', chat, media }, { messageId: `bench-${index}` });
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await sleep(300);
  }
  await sleep(1000);
}
