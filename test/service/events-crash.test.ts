// kill -9 of the service while its webhook endpoint is away: every event it had recorded is
// delivered after the restart, each once, signed — the deliveries wait in the store, not in memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliEnvironment, servedAt, spawnCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { tempDir } from '../support/service.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const adminKey = 'crash-test-admin-key-0123456789';
const clinic = '+79000000001';

test('events recorded before a kill -9 are delivered after the restart, none lost', { timeout: 180_000 }, async () => {
  const env = cliEnvironment({
    CONNECTOR_DATA_DIR: tempDir(),
    CONNECTOR_ENGINE: 'sandbox',
    CONNECTOR_ADMIN_KEY: adminKey,
    CONNECTOR_ALLOW_PRIVATE_URLS: '1',
    CONNECTOR_WEBHOOK_RETRY_FIRST_MS: '100',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  const receiver = await new WebhookReceiver().start();
  // The endpoint is away from the start: its port refuses connections.
  await receiver.stop();
  const first = spawnCli(['serve'], env);
  let second: ReturnType<typeof spawnCli> | undefined;
  try {
    const url = await servedAt(first);
    const admin = <T>(method: string, path: string, body?: unknown) => call<T>(url, method, path, { token: adminKey, ...(body === undefined ? {} : { body }) });
    const { sessionId } = (await admin<{ sessionId: string }>('POST', '/v1/sessions', {})).body;
    assert.equal((await call(url, 'POST', '/v1/sandbox/scan', { body: { sessionId, phone: clinic } })).status, 200);
    const hook = (await admin<{ id: string; secret: string }>('POST', '/v1/webhooks', { url: receiver.url, events: ['message.received'] })).body;
    const written: string[] = [];
    for (let n = 0; n < 20; n += 1) {
      const from = `+7900111${String(n % 4).padStart(4, '0')}`;
      const sent = await call<{ id: string }>(url, 'POST', '/v1/sandbox/messages', { body: { from, to: clinic, text: `Reply ${n}` } });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      written.push(sent.body.id);
    }
    const deliveries = async () => (await admin<{ deliveries: { state: string; attempts: number }[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.deliveries;
    await eventually(async () => (await deliveries()).filter((delivery) => delivery.state === 'pending').length === 20 && (await deliveries()).some((d) => d.attempts > 0), 'all twenty recorded and tried');

    first.child.kill('SIGKILL');
    await first.exited;
    await receiver.start();
    second = spawnCli(['serve'], env);
    await servedAt(second);
    await eventually(() => receiver.delivered(hook.secret).length >= 20, 'the twenty events after the restart', 60_000);
    const delivered = receiver.delivered(hook.secret).map((event) => (event.data as { id: string }).id);
    assert.deepEqual([...delivered].sort(), [...written].sort(), 'every event, none twice');
  } finally {
    first.child.kill('SIGKILL');
    second?.child.kill('SIGTERM');
    await second?.exited;
    await receiver.stop();
  }
});
