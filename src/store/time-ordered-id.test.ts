import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrderedId } from './time-ordered-id.js';

test('ids are version 7 UUIDs that sort by the time they were made', () => {
  const earlier = timeOrderedId(Date.parse('2026-11-24T10:00:00.000Z'));
  const later = timeOrderedId(Date.parse('2026-11-24T10:00:00.001Z'));
  assert.match(earlier, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(earlier < later);
  // The first 48 bits are the milliseconds: 2026-11-24T10:00:00Z is 0x01a20cff7d00.
  assert.equal(earlier.slice(0, 13), '01a20cff-7d00');
});

test('ids made in the same millisecond differ', () => {
  const now = Date.now();
  assert.equal(new Set(Array.from({ length: 1_000 }, () => timeOrderedId(now))).size, 1_000);
});
