/**
 * What open Baileys sockets cost every promise of the process, by the storages they keep: K
 * sockets' `AsyncLocalStorage`s, each used once as Baileys uses it (`run` around a key
 * transaction), then the time of an await loop that has nothing to do with them. Side by side in
 * one run: K storages of their own (Node's class, what each socket had before) and K views of the
 * one shared storage (`withOwnStorages` in src/engines/baileys/socket-storage.ts). Asserts nothing.
 *
 * `npx tsx bench/socket-storage.ts [K …]` (default 1 100 1000).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { withOwnStorages } from '../src/engines/baileys/socket-storage.js';
import { median } from './stats.js';

const awaits = 20_000;

/** µs per awaited promise, the median of 5 runs. */
async function awaitCost(): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const began = performance.now();
    for (let i = 0; i < awaits; i++) await Promise.resolve(i);
    runs.push(((performance.now() - began) * 1000) / awaits);
  }
  return median(runs);
}

/** K storages made as a socket makes them (inside `withOwnStorages`) or plainly, each used once. */
async function openStorages(k: number, shared: boolean): Promise<() => void> {
  const make = () => new AsyncLocalStorage<{ tx: number }>();
  const built = Array.from({ length: k }, () => (shared ? withOwnStorages(make) : { value: make(), release: () => undefined }));
  for (const [i, { value }] of built.entries()) await value.run({ tx: i }, () => Promise.resolve());
  return () => {
    for (const { value, release } of built) {
      release();
      value.disable();
    }
  };
}

const sizes = process.argv.slice(2).map(Number).filter((k) => k > 0);
if (sizes.length === 0) sizes.push(1, 100, 1000);
console.log(`µs per awaited promise with K open sockets' storages — node ${process.version}, ${awaits.toLocaleString('en')} awaits × 5, medians\n`);
console.log(`${'K'.padStart(6)}${'own storages'.padStart(15)}${'shared views'.padStart(15)}${'own / views'.padStart(13)}`);
const none = await awaitCost();
console.log(`${'0'.padStart(6)}${none.toFixed(3).padStart(15)}${none.toFixed(3).padStart(15)}`);
for (const k of sizes) {
  const close = await openStorages(k, false);
  const own = await awaitCost();
  close();
  const closeShared = await openStorages(k, true);
  const views = await awaitCost();
  closeShared();
  console.log(`${String(k).padStart(6)}${own.toFixed(3).padStart(15)}${views.toFixed(3).padStart(15)}${`${(own / views).toFixed(1)}×`.padStart(13)}`);
}
