import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertPartitionMargin, defaultServerKeepalive, nodeGiveUpMs, serverGiveUpMs } from './partition-margin.js';

test('by default the server keeps a silent node’s locks 16 s, the node gives up within 5 s', () => {
  assert.equal(serverGiveUpMs(defaultServerKeepalive), 16_000);
  assert.equal(nodeGiveUpMs(2000, 3000), 5000);
  assertPartitionMargin(2000, 3000, defaultServerKeepalive);
});

test('settings under which the server could free the locks before the node noticed are refused', () => {
  assert.throws(() => assertPartitionMargin(5000, 5000, defaultServerKeepalive), { code: 'VALIDATION_ERROR' });
  assert.throws(() => assertPartitionMargin(2000, 3000, { idleSeconds: 1, intervalSeconds: 1, count: 1 }), { code: 'VALIDATION_ERROR' });
  assert.throws(() => assertPartitionMargin(0, 3000, defaultServerKeepalive), { code: 'VALIDATION_ERROR' });
});
