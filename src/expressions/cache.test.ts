import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { clearExpressionCache, compileExpression, compileTemplate, compiledCacheSize, evaluateExpression, renderTemplate } from './cache.js';
import { LruCache } from './lru.js';

describe('compiled expression cache', () => {
  it('compiles a text once and hands back the same compiled object afterwards', () => {
    const first = compileTemplate('Hello, ${allValues.clientName}!');
    assert.equal(compileTemplate('Hello, ${allValues.clientName}!'), first);
    assert.equal(compileExpression('allValues.clientPhone'), compileExpression('allValues.clientPhone'));
    assert.equal(first.source, 'Hello, ${allValues.clientName}!');
    assert.ok(Object.isFrozen(first));
  });

  it('keeps templates and expressions apart, even for the same text', () => {
    assert.notEqual(compileTemplate('a'), compileExpression('a'));
    assert.equal(renderTemplate('a', { a: 1 }), 'a');
    assert.equal(evaluateExpression('a', { a: 1 }), 1);
  });

  it('evaluates one compiled object against many scopes', () => {
    const compiled = compileTemplate('${allValues.n * 2}');
    assert.deepEqual([1, 2, 3].map((n) => compiled.evaluate({ allValues: { n } })), [2, 4, 6]);
  });

  it('does not remember text that fails to compile, and fails the same way again', () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      assert.throws(() => compileExpression('a ='), (error: unknown) => error instanceof ConnectorError && error.details?.position === 2);
    }
  });

  it('forgets everything on request', () => {
    const before = compileExpression('allValues.forget');
    clearExpressionCache();
    assert.notEqual(compileExpression('allValues.forget'), before);
  });

  it(`holds at most ${compiledCacheSize} texts of each kind`, () => {
    const first = compileExpression('0');
    for (let i = 1; i <= compiledCacheSize; i++) compileExpression(String(i));
    assert.notEqual(compileExpression('0'), first);
  });
});

describe('LruCache', () => {
  it('forgets the least recently used entry first', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c'), cache.size], [1, undefined, 3, 2]);
  });

  it('creates a missing value once', () => {
    const cache = new LruCache<string, object>(10);
    let made = 0;
    const make = () => ({ made: ++made });
    assert.equal(cache.getOrCreate('k', make), cache.getOrCreate('k', make));
    assert.equal(made, 1);
  });
});
