/**
 * `npm run cluster -- --nodes 3`: a local cluster to try cluster mode. It starts N connector nodes
 * as their own processes on one PostgreSQL and Redis, against the WhatsApp protocol emulator
 * (in this process, with its control API to play the phones), prints where everything is, and
 * stops the nodes gracefully (SIGTERM: sessions handed over) on Ctrl+C.
 *
 * Env: `DATABASE_URL` (default: database `whatsapp_connector_cluster` on 127.0.0.1:5432, created
 * when missing), `REDIS_URL` (default redis://127.0.0.1:6379), `CONNECTOR_CLUSTER` (default `local`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createRootKey } from '../wa-emulator/certificates.js';
import { startControlApi } from '../wa-emulator/control-api.js';
import { WaEmulator } from '../wa-emulator/emulator.js';
import { allModules } from '../wa-emulator/index.js';
import { mediaCertificate } from '../wa-emulator/media.js';
import { clusterAdminKey, startNode, type NodeProcess } from './node-processes.js';

const defaultDatabase = 'whatsapp_connector_cluster';

/** The cluster's database: DATABASE_URL as given, or ours on the local server, created on first use. */
async function databaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const server = 'postgres://postgres@127.0.0.1:5432';
  const client = new pg.Client({ connectionString: `${server}/postgres` });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [defaultDatabase]);
    if (found.rowCount === 0) await client.query(`create database ${defaultDatabase}`);
  } finally {
    await client.end();
  }
  return `${server}/${defaultDatabase}`;
}

async function main(nodeCount: number): Promise<void> {
  const emulator = await new WaEmulator({ modules: allModules, rootKey: createRootKey() }).listen(0);
  const control = await startControlApi(emulator, 0);
  const certificateDir = mkdtempSync(join(tmpdir(), 'wa-cluster-'));
  const certificatePath = join(certificateDir, 'media-ca.pem');
  writeFileSync(certificatePath, mediaCertificate(emulator));
  const setting = {
    databaseUrl: await databaseUrl(),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    cluster: process.env.CONNECTOR_CLUSTER ?? 'local',
    emulator,
    extra: { NODE_EXTRA_CA_CERTS: certificatePath, CONNECTOR_SEND_INTERVAL_MS: process.env.CONNECTOR_SEND_INTERVAL_MS ?? '1000', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  };
  const nodes: NodeProcess[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl+C means now
    stopping = true;
    console.log(`\nStopping (${signal}): each node hands its sessions over and exits…`);
    for (const node of nodes) node.cli.child.kill('SIGTERM');
    await Promise.all(nodes.map((node) => node.exited));
    await control.close();
    await emulator.close();
    rmSync(certificateDir, { recursive: true, force: true });
    console.log('Stopped.');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));

  console.log(`Starting ${nodeCount} nodes of cluster "${setting.cluster}" (PostgreSQL ${setting.databaseUrl.replace(/\/\/[^@/]*@/, '//…@')}, Redis ${setting.redisUrl})…`);
  for (let n = 1; n <= nodeCount; n += 1) nodes.push(await startNode(`node-${n}`, setting));
  console.log('');
  for (const node of nodes) console.log(`  ${node.nodeId}  ${node.url}`);
  console.log(`\nAdmin key:     ${clusterAdminKey}`);
  console.log(`Emulator:      ${emulator.url} (control API ${control.url})`);
  console.log('Any node answers any request; a session is owned by one node (GET /v1/sessions shows which).');
  console.log(`Try: curl -s -X POST ${nodes[0]!.url}/v1/sessions -H 'Authorization: Bearer ${clusterAdminKey}' -H 'content-type: application/json' -d '{}'`);
  console.log('Cluster running (Ctrl+C stops it).');
  for (const node of nodes) void node.exited.then((code) => !stopping && console.log(`${node.nodeId} exited (${code}); the others take its sessions over`));
}

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' } } });
const count = Number(values.nodes);
if (!Number.isInteger(count) || count < 1 || count > 16) {
  console.error('cluster: --nodes takes a number from 1 to 16');
  process.exit(2);
}
main(count).catch((error: unknown) => {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
