import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconnectDelay } from './backoff.js';

const options = { initialMs: 1_000, maxMs: 60_000 };

test('the ceiling doubles per attempt up to the maximum; jitter spreads delays below it', () => {
  assert.deepEqual([0, 1, 2, 3, 6, 7, 50].map((attempt) => reconnectDelay(attempt, options, () => 1)), [1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000]);
  assert.equal(reconnectDelay(3, options, () => 0.25), 2_000);
  assert.equal(reconnectDelay(3, options, () => 0), 0);
});
