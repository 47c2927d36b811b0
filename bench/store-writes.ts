/**
 * What recording a finished action costs the SQLite store, with SQLite's default WAL checkpoint
 * interval beside the store's longer one, in one run. Each variant records the same actions
 * through the store's own StoreIdempotency (an idempotency row and a sent-message row, 32 actions
 * to a transaction, as under load), on a connection opened as the store opens its files. Prints a
 * table; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveMessageId } from '../src/actions/idempotency.js';
import { systemClock } from '../src/domain/clock.js';
import type { SendMessageResult } from '../src/domain/result.js';
import type { BatchWriter } from '../src/store/batch-writer.js';
import { StoreIdempotency } from '../src/store/idempotency.js';
import { openDatabase } from '../src/store/index.js';
import { openSqliteFile } from '../src/store/sqlite-file.js';

const warmup = Number(process.env.BENCH_WARMUP_ACTIONS ?? 30_000);
const measured = Number(process.env.BENCH_ACTIONS ?? 20_000);
const perTransaction = 32;

function result(n: number): SendMessageResult {
  const id = deriveMessageId('bench', `key-${n}`, 0);
  const chat = `7900${1_000_000 + (n % 50)}@s.whatsapp.net`;
  return { action: 'sendMessage', id, chat, fromMe: true, timestamp: new Date().toISOString(), status: 'sent', text: `Reminder ${n}`, parts: [{ chat, id, fromMe: true }] };
}

/** Microseconds per recorded action once `warmup` actions are in the tables. */
async function measure(dir: string, checkpointPages: number | undefined): Promise<number> {
  const path = join(dir, `${checkpointPages ?? 'default'}.db`);
  const store = await openDatabase(`sqlite:${path}`);
  const connection = openSqliteFile(path);
  connection.pragma(`wal_autocheckpoint = ${checkpointPages ?? 1_000}`);
  const runAll = connection.transaction((statements: Parameters<BatchWriter['write']>[0]) => {
    for (const { sql, parameters } of statements) connection.prepare(sql).run(parameters);
  });
  const writer: BatchWriter = { write: async (statements) => runAll(statements), ping: async () => {}, close: async () => {} };
  const idempotency = new StoreIdempotency(store.db, writer, systemClock);
  let n = 0;
  const record = async (count: number) => {
    for (let done = 0; done < count; done += perTransaction) {
      await Promise.all(Array.from({ length: perTransaction }, () => n++).map((i) => idempotency.put('bench', `key-${i}`, { requestHash: 'hash', result: result(i) })));
    }
  };
  await record(warmup);
  const started = performance.now();
  await record(measured);
  const micros = ((performance.now() - started) * 1000) / measured;
  connection.close();
  await store.close();
  return micros;
}

const dir = mkdtempSync(join(tmpdir(), 'wac-store-bench-'));
try {
  const byDefault = await measure(dir, undefined);
  const store = await measure(dir, 10_000);
  console.log(`recording one action in SQLite (${measured.toLocaleString('en')} actions after ${warmup.toLocaleString('en')}, ${perTransaction} a transaction) — node ${process.version}\n`);
  console.log(`${'WAL checkpoint'.padEnd(40)}${'µs/action'.padStart(10)}`);
  console.log(`${'every 1,000 pages (SQLite default)'.padEnd(40)}${byDefault.toFixed(1).padStart(10)}`);
  console.log(`${'every 10,000 pages (the store)'.padEnd(40)}${store.toFixed(1).padStart(10)}`);
  console.log(`\nthe store's interval costs ${(store / byDefault).toFixed(2)}× the default`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
