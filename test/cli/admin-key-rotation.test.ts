import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliEnvironment, runCli, servedAt, spawnCli } from '../support/cli.js';
import { call } from '../support/http.js';
import { tempDir } from '../support/service.js';

const generatedKey = /Admin key \(generated now[^\n]*\n\n {2}(\S+)\n/;

async function adminStatus(url: string, key: string): Promise<number> {
  return (await call(url, 'GET', '/v1/sessions', { token: key })).status;
}

async function stop(service: ReturnType<typeof spawnCli>): Promise<void> {
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 0, service.stderr());
}

test('admin-key rotate replaces a lost admin key: the new key works at once, the old one gets 401, running or stopped', { timeout: 240_000 }, async () => {
  const env = cliEnvironment({ CONNECTOR_DATA_DIR: tempDir(), CONNECTOR_ENGINE: 'sandbox', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });

  let rotated = '';
  const first = spawnCli(['serve'], env);
  try {
    const url = await servedAt(first);
    const lost = generatedKey.exec(first.stderr())?.[1];
    assert.ok(lost, `the first start prints its generated key; stderr: ${first.stderr()}`);
    assert.equal(await adminStatus(url, lost), 200);

    const whileRunning = await runCli(['admin-key', 'rotate'], env);
    assert.equal(whileRunning.code, 0, whileRunning.stderr);
    assert.match(whileRunning.stdout, /^wak_\S+\n$/, 'stdout holds the key alone');
    assert.match(whileRunning.stderr, /The old key no longer works/);
    rotated = whileRunning.stdout.trim();
    assert.equal(await adminStatus(url, rotated), 200, 'the running service takes the new key without a restart');
    assert.equal(await adminStatus(url, lost), 401);
  } finally {
    await stop(first);
  }

  const whileStopped = await runCli(['admin-key', 'rotate'], env);
  assert.equal(whileStopped.code, 0, whileStopped.stderr);
  const latest = whileStopped.stdout.trim();
  const second = spawnCli(['serve'], env);
  try {
    const url = await servedAt(second);
    assert.doesNotMatch(second.stderr(), generatedKey, 'a stored key is never generated again');
    assert.equal(await adminStatus(url, latest), 200);
    assert.equal(await adminStatus(url, rotated), 401);
  } finally {
    await stop(second);
  }
});

test('admin-key rotate refuses while CONNECTOR_ADMIN_KEY is set, since the service would go on using that key', async () => {
  const env = cliEnvironment({ CONNECTOR_DATA_DIR: tempDir(), CONNECTOR_ADMIN_KEY: 'configured-admin-key-0123' });
  const refused = await runCli(['admin-key', 'rotate'], env);
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /CONNECTOR_ADMIN_KEY is set/);
  const inRussian = await runCli(['admin-key', 'rotate'], { ...env, LANG: 'ru_RU.UTF-8' });
  assert.match(inRussian.stderr, /задана переменная CONNECTOR_ADMIN_KEY/);
});
