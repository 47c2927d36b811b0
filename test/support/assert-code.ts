import assert from 'node:assert/strict';
import { ConnectorError, type ErrorCode } from '../../src/domain/errors.js';

/** Awaits `promise` and asserts it fails with a ConnectorError of `code`; returns the error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConnectorError, `expected a ConnectorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}
