import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdBackSignalLogs } from './signal-console.js';

test('libsignal’s session dumps never reach the console; other lines pass', () => {
  const printed: unknown[][] = [];
  const original = console.info;
  console.info = (...args: unknown[]) => void printed.push(args);
  try {
    const reported: string[] = [];
    holdBackSignalLogs((sentence) => reported.push(sentence));
    console.info('Closing session:', { privKey: Buffer.from('secret') });
    console.info('Server listening');
    assert.deepEqual(reported, ['Closing session']);
    assert.deepEqual(printed, [['Server listening']]);
  } finally {
    console.info = original;
  }
});
