/**
 * The appointment reminder at scale: one pass over a catalog of N due appointments through the
 * example's real process (`reminder.bpmn` on bpmn-engine, in-process gateway, sandbox engine,
 * SQLite catalog and idempotency store), beside anchors measured in the same run:
 * - bpmn, one by one: the same process with every round in its per-record sub-process (its shape for
 *   every pass before large rounds went as batches);
 * - direct: the same sends and marks without a process engine (the component's `execute` per
 *   record), one record at a time, and 50 at a time as the process's batch sends them;
 * - bare sub-process loop: reminder.bpmn's multi-instance sub-process with do-nothing services, N runs;
 * - bare process per record: the same elements as a process of their own, a new instance per record
 *   on a definition parsed once (the other shape a large catalog could take);
 * - bare bpmn-engine loop: a sequential multi-instance service task doing nothing, N iterations.
 * The three per-record variants cost ~10 ms a record, so they run only up to `BENCH_PER_RECORD_MAX`
 * records (1,000 unless set).
 *
 * Each measurement runs in a child process of its own, so its peak RSS is its own; the variants
 * take turns for `BENCH_ROUNDS` rounds and the medians are compared, as on a shared machine a slow
 * stretch should hit all of them. After each pass the child checks that every client got exactly
 * one message and that there is one idempotency row per record, and fails loudly otherwise.
 *
 * `npm run bench:reminder -- 1000 10000 100000`. Prints a table; asserts nothing about time.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';
import { perRecordVariants, runVariant, variants, type Measurement, type Variant } from './reminder-variants.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const perRecordMax = Number(process.env.BENCH_PER_RECORD_MAX ?? 1_000);

function measureInChild(variant: Variant, n: number): Measurement {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, String(n)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`${variant} at N=${n} failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Measurement;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const row = (name: string, m: Pick<Measurement, 'wallMs' | 'cpuMs' | 'peakRss' | 'setupRss'>, n: number) =>
  `${name.padEnd(34)}${(m.wallMs / n).toFixed(3).padStart(10)}${(m.cpuMs / n).toFixed(3).padStart(10)}${(m.wallMs / 1000).toFixed(1).padStart(9)}${mb(m.setupRss).padStart(10)}${mb(m.peakRss).padStart(10)}`;

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  if (sizes.length === 0) sizes.push(1_000, 10_000);
  console.log(`appointment reminder, one pass over N due records — node ${process.version}, ${availableParallelism()} cores, ${rounds} alternating rounds per N, medians\n`);
  console.log(`${'variant'.padEnd(34)}${'ms/rec'.padStart(10)}${'cpu/rec'.padStart(10)}${'wall s'.padStart(9)}${'set-up'.padStart(10)}${'peak RSS'.padStart(10)}`);
  for (const n of sizes) {
    const measured = variants.filter((variant) => n <= perRecordMax || !perRecordVariants.has(variant));
    const results = new Map<Variant, Measurement[]>(measured.map((v) => [v, []]));
    for (let round = 0; round < rounds; round++) {
      for (const variant of measured) results.get(variant)?.push(measureInChild(variant, n));
    }
    const medians = new Map(
      measured.map((variant) => {
        const all = results.get(variant) as Measurement[];
        const pick = (field: keyof Measurement) => median(all.map((m) => m[field]));
        return [variant, { wallMs: pick('wallMs'), cpuMs: pick('cpuMs'), peakRss: pick('peakRss'), setupRss: pick('setupRss') }];
      }),
    );
    console.log(`N = ${n.toLocaleString('en')}`);
    for (const variant of variants) {
      const m = medians.get(variant);
      console.log(m ? row(`  ${variant}`, m, n) : `  ${variant.padEnd(32)}  (not run above ${perRecordMax.toLocaleString('en')} records: BENCH_PER_RECORD_MAX)`);
    }
    const bpmn = medians.get('bpmn process') as Measurement;
    const times = (anchor: Variant, digits = 2) => {
      const m = medians.get(anchor);
      return m ? `${(bpmn.wallMs / m.wallMs).toFixed(digits)}× ${anchor}` : undefined;
    };
    const ratios = [times('bpmn, one by one', 3), times('direct (no BPMN)'), times('direct, 50 at a time'), times('bare bpmn-engine loop', 1)].filter(Boolean);
    console.log(`  bpmn process is ${ratios.join(', ')}; goal ≤ 0.6 ms/record: ${bpmn.wallMs / n <= 0.6 ? 'met' : 'not met'}\n`);
  }
}

if (process.argv[2] === '--child') {
  const measurement = await runVariant(process.argv[3] as Variant, Number(process.argv[4]));
  console.log(JSON.stringify(measurement));
  process.exit(0);
} else {
  await main();
}
