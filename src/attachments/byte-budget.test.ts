import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { attachmentBudgets } from '../domain/limits.js';
import { ByteBudget } from './byte-budget.js';

function codeOf(action: () => void): ConnectorError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ConnectorError);
    return error;
  }
  assert.fail('expected a ConnectorError');
}

describe('ByteBudget', () => {
  it("refuses an action's bytes past its own limit with ATTACHMENT_TOO_LARGE, leaving the process budget as it was", () => {
    const budget = new ByteBudget(1000);
    const request = budget.forRequest(300);
    request.take(200);
    const error = codeOf(() => request.take(101));
    assert.equal(error.code, 'ATTACHMENT_TOO_LARGE');
    assert.deepEqual(error.details, { requestLimit: 300, taken: 200, requested: 101 });
    assert.equal(budget.inUse, 200);
  });

  it('refuses past the process limit with RATE_LIMITED and retry advice, and fits again once another action releases', () => {
    const budget = new ByteBudget(1000);
    const first = budget.forRequest(800);
    first.take(800);
    const second = budget.forRequest(800);
    const error = codeOf(() => second.take(300));
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.details?.['retryAfterMs'], attachmentBudgets.retryAfterMs);
    assert.match(error.message, /retry with the same idempotency key/);
    assert.equal(second.taken, 0);
    first.release();
    second.take(300);
    assert.equal(budget.inUse, 300);
  });

  it('calls an action too large, not rate limited, when it could not fit even into an idle process', () => {
    const budget = new ByteBudget(500);
    assert.equal(codeOf(() => budget.forRequest(800).take(600)).code, 'ATTACHMENT_TOO_LARGE');
  });

  it('gives everything back once, however often release is called', () => {
    const budget = new ByteBudget(1000);
    const request = budget.forRequest(1000);
    request.take(10);
    request.take(20);
    const other = budget.forRequest(1000);
    other.take(5);
    request.release();
    request.release();
    assert.equal(budget.inUse, 5);
  });
});
