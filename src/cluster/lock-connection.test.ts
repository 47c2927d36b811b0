import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { isolatedPostgresUrl, skipPostgres as skip } from '../store/postgres-test-support.js';
import { lockConnectionUrl } from './lock-connection.js';
import { sessionLockKey } from './lock-key.js';
import { defaultServerKeepalive } from './partition-margin.js';

test('the lock connection names the node and keeps the URL’s own options beside the keepalive ones', () => {
  const url = new URL(lockConnectionUrl('postgres://db/connector?options=-c%20search_path%3Dx', 'wac:node-a', defaultServerKeepalive));
  assert.equal(url.searchParams.get('application_name'), 'wac:node-a');
  assert.equal(url.searchParams.get('options'), '-c search_path=x -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 -c tcp_user_timeout=16000');
});

test('PostgreSQL takes the keepalive settings for the lock connection', { skip }, async () => {
  const client = new pg.Client({ connectionString: lockConnectionUrl(await isolatedPostgresUrl(), 'wac-test:probe', defaultServerKeepalive) });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(
      `select current_setting('tcp_keepalives_idle') as idle, current_setting('tcp_keepalives_interval') as interval,
              current_setting('tcp_keepalives_count') as count, current_setting('tcp_user_timeout') as user_timeout,
              current_setting('application_name') as name`,
    );
    assert.deepEqual(rows[0], { idle: '10', interval: '2', count: '3', user_timeout: '16000', name: 'wac-test:probe' });
  } finally {
    await client.end();
  }
});

test('lock keys are stable signed 64-bit numbers, apart per cluster', () => {
  const key = sessionLockKey('whatsapp-connector', 'ses_01');
  assert.equal(key, sessionLockKey('whatsapp-connector', 'ses_01'));
  assert.notEqual(key, sessionLockKey('other-cluster', 'ses_01'));
  assert.ok(BigInt(key) >= -(2n ** 63n) && BigInt(key) < 2n ** 63n);
});
