import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import * as expressions from './index.js';

describe('the expressions door', () => {
  it('lets a component read a bare expression, render a template and tell them apart', () => {
    const scope = { allValues: { clientPhone: '+7 900 123-45-67', clientName: 'Анна', invoiceUrl: 'https://x.test/i.pdf' } };
    assert.equal(expressions.evaluateExpression('allValues.clientPhone', scope), '+7 900 123-45-67');
    assert.equal(expressions.renderTemplate('Hello, ${allValues.clientName}!', scope), 'Hello, Анна!');
    assert.deepEqual(expressions.evaluateExpression('[{ title: "Invoice", url: allValues.invoiceUrl }]', scope), [
      { title: 'Invoice', url: 'https://x.test/i.pdf' },
    ]);
    assert.equal(expressions.isTemplate('Hello, ${allValues.clientName}!'), true);
    assert.equal(expressions.isTemplate('allValues.clientPhone'), false);
  });

  it('reports every failure as EXPRESSION_ERROR with the text and the position, ready for an error boundary', () => {
    try {
      expressions.evaluateExpression('allValues.a = 1', {});
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConnectorError);
      assert.deepEqual(error.toJSON(), {
        code: 'EXPRESSION_ERROR',
        message: 'Unexpected "=" at position 12 in "allValues.a = 1": assignment is not allowed',
        details: { expression: 'allValues.a = 1', position: 12 },
      });
      assert.equal(error.status, 400);
    }
  });

  it('offers uncached compilation that yields the same results as the cached one', () => {
    const source = '${upper(allValues.name)}: ${allValues.n + 1}';
    const scope = { allValues: { name: 'анна', n: 1 } };
    assert.equal(expressions.compileTemplateUncached(source).evaluate(scope), expressions.renderTemplate(source, scope));
    assert.equal(expressions.compileExpressionUncached('allValues.n * 3').evaluate(scope), 3);
    assert.notEqual(expressions.compileTemplateUncached(source), expressions.compileTemplateUncached(source));
  });
});
