/**
 * Events from receipt to a webhook acknowledged, beside the send path, in one run (sandbox engine,
 * SQLite file store, as `npm start` runs it; one process, so CPU is the service's plus a trivial
 * local receiver). Three variants take turns for `BENCH_ROUNDS` rounds, medians compared:
 *
 * - send: `BENCH_EVENTS` sendMessage actions in-process through the service's runner, one chat
 *   per client, 32 at a time: what one outgoing message costs;
 * - record: as many client messages arriving at the session with no webhook: the event recorded
 *   (and offered to the stream), the cost the events part adds to each incoming message;
 * - webhook: the same with one webhook on a loopback receiver, timed until the receiver has
 *   answered 200 to every event: events per second end to end, and the CPU for each.
 *
 * Prints a table; asserts nothing. `npm run bench:events` (BENCH_EVENTS=2000 BENCH_ROUNDS=3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/domain/clock.js';
import { startService } from '../src/service/server.js';
import { median } from './stats.js';

const count = Number(process.env.BENCH_EVENTS ?? 2_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const clinic = '+79000000001';
const clients = Array.from({ length: 50 }, (_, i) => `+7900${String(2_000_000 + i)}`);

interface Measured {
  perSecond: number;
  cpuUsPerItem: number;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wac-bench-events-'));
  let received = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const service = await startService({
    clock: systemClock,
    config: { port: 0, host: '127.0.0.1', engine: 'sandbox', dataDir, databaseUrl: `sqlite:${join(dataDir, 'connector.db')}`, logLevel: 'silent', allowPrivateUrls: true, adminKey: 'bench-admin-key-0123456789', sendQueueLimit: 100_000 },
  });
  try {
    const created = await fetch(`${service.url}/v1/sessions`, { method: 'POST', headers: { authorization: 'Bearer bench-admin-key-0123456789', 'content-type': 'application/json' }, body: '{}' });
    const { sessionId } = (await created.json()) as { sessionId: string };
    await service.sandbox!.scan(sessionId, clinic);
    const phones = clients.map((phone) => service.sandbox!.network.phone(phone)!);

    const timed = async (items: number, run: () => Promise<void>): Promise<Measured> => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await run();
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { perSecond: (items / elapsed) * 1000, cpuUsPerItem: (used.user + used.system) / items };
    };
    let round = 0;
    const send = () =>
      timed(count, async () => {
        round += 1;
        let next = 0;
        const worker = async () => {
          while (next < count) {
            const n = next++;
            await service.runner.submit(sessionId, 'sendMessage', { chat: clients[n % clients.length], text: `Reminder ${round}.${n}` });
          }
        };
        await Promise.all(Array.from({ length: 32 }, worker));
      });
    const incoming = (waitFor: () => boolean) =>
      timed(count, async () => {
        round += 1;
        for (let n = 0; n < count; n += 1) phones[n % phones.length]!.sendText(clinic, `Reply ${round}.${n}`);
        while (!waitFor()) await new Promise((resolve) => setTimeout(resolve, 5));
      });
    const recordedSince = async () => (await service.store.events.latestSeq());
    const results: Record<'send' | 'record' | 'webhook', Measured[]> = { send: [], record: [], webhook: [] };
    for (let r = 0; r < rounds; r += 1) {
      results.send.push(await send());
      let recorded = false;
      const start = await recordedSince();
      const watcher = setInterval(() => void recordedSince().then((seq) => (recorded = seq - start >= count)), 5);
      results.record.push(await incoming(() => recorded));
      clearInterval(watcher);
      const hook = await fetch(`${service.url}/v1/webhooks`, { method: 'POST', headers: { authorization: 'Bearer bench-admin-key-0123456789', 'content-type': 'application/json' }, body: JSON.stringify({ url, events: ['message.received'] }) });
      const { id } = (await hook.json()) as { id: string };
      received = 0;
      results.webhook.push(await incoming(() => received >= count));
      await fetch(`${service.url}/v1/webhooks/${id}`, { method: 'DELETE', headers: { authorization: 'Bearer bench-admin-key-0123456789' } });
    }
    const row = (name: string, list: Measured[]) => `${name.padEnd(44)}${median(list.map((m) => m.perSecond)).toFixed(0).padStart(10)}${median(list.map((m) => m.cpuUsPerItem)).toFixed(0).padStart(14)}`;
    const sendCpu = median(results.send.map((m) => m.cpuUsPerItem));
    console.log(`events and sends, ${count} per variant, median of ${rounds} rounds — node ${process.version}\n`);
    console.log(`${'variant'.padEnd(44)}${'per s'.padStart(10)}${'CPU µs/item'.padStart(14)}`);
    console.log(row('send: sendMessage through the runner', results.send));
    console.log(row('record: incoming message, event recorded', results.record));
    console.log(row('webhook: incoming message to receiver 200', results.webhook));
    console.log(`\nper incoming message, recorded: ${(median(results.record.map((m) => m.cpuUsPerItem)) / sendCpu).toFixed(2)}× a send's CPU; delivered to a webhook: ${(median(results.webhook.map((m) => m.cpuUsPerItem)) / sendCpu).toFixed(2)}×`);
  } finally {
    await service.close();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
