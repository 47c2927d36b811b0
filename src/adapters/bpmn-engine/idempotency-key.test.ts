import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iteration } from './idempotency-key.js';

test('the iteration names the loop indexes around a run and how often a flow looped back to it', () => {
  assert.equal(iteration([], 0), '0');
  assert.equal(iteration([{ index: 2 }], 0), '2');
  assert.equal(iteration([{ index: 1 }, { index: 0 }], 0), '1.0');
  assert.equal(iteration([], 1), '0+1');
  assert.equal(iteration([{ index: 2 }], 3), '2+3');
});
