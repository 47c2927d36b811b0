import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentBudgets } from '../domain/limits.js';
import { ConnectorError } from '../domain/errors.js';
import { readConfig } from './config.js';

const rootKey = Buffer.alloc(32, 7).toString('base64');

test('the linked-device engine is the default; the sandbox is chosen by name', () => {
  assert.equal(readConfig({}).engine, 'baileys');
  assert.equal(readConfig({ CONNECTOR_ENGINE: 'sandbox' }).engine, 'sandbox');
});

test('a test server’s root key is refused unless CONNECTOR_TRUST_TEST_ROOT=1 says so', () => {
  assert.throws(
    () => readConfig({ CONNECTOR_WA_URL: 'ws://127.0.0.1:9000/ws/chat', CONNECTOR_WA_ROOT_KEY: rootKey }),
    (error: unknown) => error instanceof ConnectorError && error.code === 'VALIDATION_ERROR' && /CONNECTOR_TRUST_TEST_ROOT/.test(error.message),
  );
  const config = readConfig({ CONNECTOR_WA_URL: 'ws://127.0.0.1:9000/ws/chat', CONNECTOR_WA_ROOT_KEY: rootKey, CONNECTOR_TRUST_TEST_ROOT: '1' });
  assert.equal(config.waRootKey?.length, 32);
  assert.equal(config.waUrl, 'ws://127.0.0.1:9000/ws/chat');
});

test('a root key that is not 32 bytes, or a URL that is not a WebSocket, is a configuration error', () => {
  assert.throws(() => readConfig({ CONNECTOR_WA_ROOT_KEY: Buffer.alloc(16).toString('base64'), CONNECTOR_TRUST_TEST_ROOT: '1' }), /32 bytes/);
  assert.throws(() => readConfig({ CONNECTOR_WA_URL: 'http://example.com' }), ConnectorError);
});

test('the send pace and the waits have defaults that protect the account', () => {
  const config = readConfig({});
  assert.equal(config.sendIntervalMs, 1_000);
  assert.equal(config.sendQueueLimit, 10_000);
  assert.equal(config.reconnectWaitMs, 30_000);
  assert.equal(config.ackTimeoutMs, 20_000);
  assert.equal(config.qrTimeoutMs, undefined, "QR codes last as long as WhatsApp Web's");
  assert.equal(readConfig({ CONNECTOR_QR_TIMEOUT_MS: '45000' }).qrTimeoutMs, 45_000);
});

test('attachment budgets default to the limits users read, and are set in megabytes', () => {
  const MB = 1024 * 1024;
  const config = readConfig({});
  assert.equal(config.attachmentsRequestMaxBytes, attachmentBudgets.requestMaxBytes);
  assert.equal(config.attachmentsProcessMaxBytes, attachmentBudgets.processMaxBytes);
  assert.equal(config.attachmentsDir, undefined);
  const set = readConfig({ CONNECTOR_ATTACHMENTS_REQUEST_MB: '50', CONNECTOR_ATTACHMENTS_PROCESS_MB: '0.5', CONNECTOR_ATTACHMENTS_DIR: '/var/spool/wa' });
  assert.deepEqual([set.attachmentsRequestMaxBytes, set.attachmentsProcessMaxBytes, set.attachmentsDir], [50 * MB, MB / 2, '/var/spool/wa']);
  assert.throws(() => readConfig({ CONNECTOR_ATTACHMENTS_PROCESS_MB: '0' }), ConnectorError);
});

test('clients get 10 s for headers and 30 s for a whole request; a headers timeout beyond the body timeout is refused', () => {
  const config = readConfig({});
  assert.equal(config.headersTimeoutMs, 10_000);
  assert.equal(config.bodyTimeoutMs, 30_000);
  assert.equal(config.maxConnections, 1_000);
  assert.throws(() => readConfig({ CONNECTOR_HEADERS_TIMEOUT_MS: '40000' }), /CONNECTOR_BODY_TIMEOUT_MS/);
  assert.equal(readConfig({ CONNECTOR_HEADERS_TIMEOUT_MS: '40000', CONNECTOR_BODY_TIMEOUT_MS: '60000' }).headersTimeoutMs, 40_000);
});
