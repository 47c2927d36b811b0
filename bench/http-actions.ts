/**
 * sendMessage actions per second and latency: over HTTP against the running service (sandbox
 * engine, SQLite file store, as `npm start` runs it), beside the same actions called in-process
 * through an ActionRunner on the same kind of store, in one run. The HTTP load comes from a worker
 * thread, so it does not share the server's event loop. The two variants take turns for
 * `BENCH_ROUNDS` rounds and the medians are compared, so a slow stretch of a shared machine hits
 * both rather than one. Prints a table; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ActionRunner } from '../src/actions/runner.js';
import { systemClock } from '../src/domain/clock.js';
import { SandboxEngine, SandboxNetwork } from '../src/engines/sandbox/index.js';
import { startService } from '../src/service/server.js';
import { openDatabase } from '../src/store/index.js';
import { startWorker } from '../src/worker-thread.js';
import { KeepAliveConnection } from './keep-alive-client.js';
import { median } from './stats.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const measureMs = Number(process.env.BENCH_MEASURE_MS ?? 5_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const recipients = Array.from({ length: 50 }, (_, i) => `+7900${String(1_000_000 + i)}`);

interface LoadResult {
  latenciesMs: number[];
  errors: number;
  elapsedMs: number;
}

/** Runs `concurrency` loops of `once` for warm-up, then for the measured period. */
async function drive(once: (n: number) => Promise<boolean>): Promise<LoadResult> {
  let n = 0;
  const loop = async (until: number, latencies: number[] | undefined, counts: { errors: number }) => {
    while (performance.now() < until) {
      const started = performance.now();
      const ok = await once(n++);
      latencies?.push(performance.now() - started);
      if (!ok) counts.errors += 1;
    }
  };
  const warm = { errors: 0 };
  const warmUntil = performance.now() + warmupMs;
  await Promise.all(Array.from({ length: concurrency }, () => loop(warmUntil, undefined, warm)));
  const latenciesMs: number[] = [];
  const counts = { errors: 0 };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => loop(started + measureMs, latenciesMs, counts)));
  return { latenciesMs, errors: counts.errors + warm.errors, elapsedMs: performance.now() - started };
}

async function httpLoad(url: string, token: string, round: number): Promise<LoadResult> {
  const connections = Array.from({ length: concurrency }, () => new KeepAliveConnection(new URL(url)));
  // `drive` keeps at most `concurrency` requests in flight: an idle connection is always there.
  const idle = [...connections];
  const post = (n: number) => {
    const connection = idle.pop() as KeepAliveConnection;
    const body = JSON.stringify({ chat: recipients[n % recipients.length], text: `Reminder ${n}` });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${round}-${n}` };
    return connection
      .request('POST', '/v1/actions/sendMessage', headers, body)
      .then(
        (status) => status === 200,
        () => false,
      )
      .finally(() => idle.push(connection));
  };
  const result = await drive(post);
  for (const connection of connections) connection.close();
  return result;
}

async function inProcessLoad(dir: string, round: number): Promise<LoadResult> {
  const store = await openDatabase(`sqlite:${join(dir, `in-process-${round}.db`)}`);
  const engine = new SandboxEngine({ network: new SandboxNetwork({ clock: systemClock, openRegistration: true }), clock: systemClock });
  await engine.startSession('bench');
  engine.scan('bench', '+79000000001');
  const runner = new ActionRunner({ engine, idempotency: store.idempotency });
  const result = await drive((n) =>
    runner.run('bench', 'sendMessage', { chat: recipients[n % recipients.length], text: `Reminder ${n}` }, { idempotencyKey: `bench-${round}-${n}` }).then(
      () => true,
      () => false,
    ),
  );
  engine.close();
  await store.close();
  return result;
}

async function linkToken(url: string, adminKey: string, engine: SandboxEngine): Promise<string> {
  const created = (await (await fetch(`${url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } })).json()) as { sessionId: string };
  engine.scan(created.sessionId, '+79000000001');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const issued = (await (await fetch(`${url}/v1/sessions/${created.sessionId}/tokens`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } })).json()) as { token: string };
  return issued.token;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(result: LoadResult) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return { perSecond: (sorted.length / result.elapsedMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors: result.errors };
}

type Summary = ReturnType<typeof summary>;

/** The median round of a variant, field by field; errors are summed over all rounds. */
function medianOf(results: Summary[]): Summary {
  return {
    perSecond: median(results.map((r) => r.perSecond)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

function runHttpRound(url: string, token: string, round: number): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const worker = startWorker(new URL(import.meta.url), { workerData: { url, token, round } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const row = (name: string, r: Summary) =>
  `${name.padEnd(42)}${Math.round(r.perSecond).toLocaleString('en').padStart(11)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${String(r.errors).padStart(8)}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wac-bench-'));
  const adminKey = 'bench-admin-key-0123456789';
  const service = await startService({
    clock: systemClock,
    config: { port: 0, host: '127.0.0.1', engine: 'sandbox', dataDir: dir, databaseUrl: `sqlite:${join(dir, 'service.db')}`, adminKey, secretKey: 'bench-secret-key-0123456789abcdef', logLevel: 'warn' },
  });
  try {
    const token = await linkToken(service.url, adminKey, service.sandbox!);
    console.log(`sendMessage on the sandbox engine — node ${process.version}, ${availableParallelism()} cores, ${concurrency} in flight, ${rounds} rounds of ${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured per variant\n`);
    console.log(`${'variant'.padEnd(42)}${'actions/s'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
    const overHttp: Summary[] = [];
    const inProcess: Summary[] = [];
    for (let round = 1; round <= rounds; round++) {
      overHttp.push(summary(await runHttpRound(service.url, token, round)));
      console.log(row(`round ${round}: HTTP`, overHttp.at(-1) as Summary));
      inProcess.push(summary(await inProcessLoad(dir, round)));
      console.log(row(`round ${round}: in-process`, inProcess.at(-1) as Summary));
    }
    const http = medianOf(overHttp);
    const local = medianOf(inProcess);
    console.log(`\n${row('median: HTTP (service, SQLite file)', http)}\n${row('median: in-process (ActionRunner, SQLite)', local)}`);
    console.log(`\nHTTP throughput is ${(http.perSecond / local.perSecond).toFixed(2)}× in-process; p50 ${(http.p50 / local.p50).toFixed(1)}× in-process`);
    const met = http.perSecond >= 5_000 && http.p99 < 20 && http.errors === 0;
    console.log(`goal ≥ 5,000 actions/s with p99 < 20 ms over HTTP: ${met ? 'met' : 'not met'} (median ${Math.round(http.perSecond).toLocaleString('en')}/s, p99 ${http.p99.toFixed(2)} ms)`);
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) {
  await main();
} else {
  const { url, token, round } = workerData as { url: string; token: string; round: number };
  parentPort?.postMessage(await httpLoad(url, token, round));
}
