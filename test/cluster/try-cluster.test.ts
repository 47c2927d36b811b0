// `npm run cluster` as a person tries it: N nodes come up on one PostgreSQL and Redis, each answers,
// a session created on one is listed with its owner on the other, and Ctrl+C stops them all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { isolatedPostgresUrl, skipPostgres } from '../../src/store/postgres-test-support.js';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { redisUrl, skipRedis } from '../support/redis.js';
import { cliEnvironment } from '../support/cli.js';
import { clusterAdminKey } from './node-processes.js';

test('npm run cluster -- --nodes 2: both nodes answer, a session made on one shows its owner on the other, Ctrl+C stops them', { skip: skipPostgres || skipRedis, timeout: 5 * 60_000 }, async () => {
  const env = cliEnvironment({ DATABASE_URL: await isolatedPostgresUrl(), REDIS_URL: redisUrl, CONNECTOR_CLUSTER: `try${process.pid}` });
  const cluster = spawn(process.execPath, ['--import', 'tsx', 'test/cluster/try-cluster.ts', '--nodes', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [cluster.stdout, cluster.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(cluster, 'exit');
  try {
    await eventually(() => output.includes('Cluster running') || cluster.exitCode !== null, 'the cluster to start');
    const urls = [...output.matchAll(/^ {2}(node-\d) {2}(http:\/\/\S+)$/gm)].map((match) => ({ node: match[1], url: match[2]! }));
    assert.deepEqual(urls.map((entry) => entry.node), ['node-1', 'node-2'], output);
    for (const { url } of urls) assert.equal((await call<{ status: string }>(url, 'GET', '/health')).body.status, 'ok');
    const made = await call<{ sessionId: string; owner: string }>(urls[0]!.url, 'POST', '/v1/sessions', { token: clusterAdminKey, body: {} });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const listed = await call<{ sessions: { sessionId: string; owner: string }[] }>(urls[1]!.url, 'GET', '/v1/sessions', { token: clusterAdminKey });
    assert.match(listed.body.sessions.find((session) => session.sessionId === made.body.sessionId)?.owner ?? '', /^node-[12]$/);
  } finally {
    cluster.kill('SIGINT');
  }
  const [code] = await exited;
  assert.equal(code, 0, output);
  assert.match(output, /Stopped\./);
});
