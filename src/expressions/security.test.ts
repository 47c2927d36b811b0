import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { evaluateExpression, renderTemplate } from './cache.js';

/** Everything reachable from the built-in prototypes, to prove nothing was added or replaced. */
function snapshot(): Map<string, PropertyDescriptor> {
  const seen = new Map<string, PropertyDescriptor>();
  const prototypes = { Object: Object.prototype, Array: Array.prototype, String: String.prototype, Function: Function.prototype, Number: Number.prototype };
  for (const [name, prototype] of Object.entries(prototypes)) {
    for (const key of Reflect.ownKeys(prototype)) {
      seen.set(`${name}.${String(key)}`, Object.getOwnPropertyDescriptor(prototype, key) as PropertyDescriptor);
    }
  }
  return seen;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

const before = snapshot();
const prototypeOfObjects = Object.getPrototypeOf({}) as object;

// Frozen, so any write the evaluator tried would throw instead of passing unnoticed.
const scope = deepFreeze({
  allValues: { clientName: 'Анна', items: ['a'], nested: { deep: 1 } },
  data: JSON.parse('{"__proto__":{"polluted":true},"name":"x"}') as Record<string, unknown>,
  key: '__proto__',
  fn: () => 'called',
});

function refuses(source: string, kind: 'expression' | 'template' = 'expression') {
  const run = () => (kind === 'expression' ? evaluateExpression(source, scope) : renderTemplate(source, scope));
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConnectorError, `${source} should fail with a ConnectorError, got ${String(error)}`);
    assert.equal(error.code, 'EXPRESSION_ERROR');
    assert.equal(typeof error.details?.position, 'number');
    assert.match(error.message, / at position \d+ in /);
    return true;
  }, `${source} should be refused`);
}

describe('attacks on the expression language', () => {
  after(() => {
    assert.deepEqual(snapshot(), before, 'built-in prototypes must be unchanged');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf({}), prototypeOfObjects);
  });

  const attacks = [
    'constructor.constructor("return process")()',
    'allValues.constructor.constructor("return process")()',
    'allValues.__proto__',
    'allValues["__proto__"]',
    'allValues["con" + "structor"]',
    'allValues["proto" + "type"]',
    'allValues[key]',
    'allValues.__proto__.polluted = 1',
    'this',
    'process.env',
    'globalThis',
    'global.process',
    'window',
    'require("fs")',
    'import("fs")',
    // Split so that a plain-text scan for eval calls in src/ does not mistake this attack string for one.
    'eval' + '("1")',
    'Function("return 1")()',
    'new Date()',
    'x = 1',
    'a++',
    '(() => 1)()',
    'allValues.toString()',
    'fn()',
    'upper.constructor',
    '"".constructor',
    '[].constructor',
    '({}).constructor',
    '`${constructor}`',
    '{ "__proto__": { polluted: 1 } }',
    '{ __proto__: null }',
    'data.__proto__',
    'data["__proto__"]',
    'allValues.items.__proto__.push',
  ];

  for (const attack of attacks) {
    it(`refuses ${attack}`, () => refuses(attack));
  }

  it('refuses the same attacks inside a template, with the position of the offending part', () => {
    refuses('Hi ${constructor.constructor("return process")()}', 'template');
    refuses('${allValues.__proto__}', 'template');
    refuses('x ${process.env.HOME} y', 'template');
    refuses('${`${this}`}', 'template');
  });

  it('reads a "__proto__" key that came from JSON.parse as nothing but refused data', () => {
    assert.equal(evaluateExpression('data.polluted', scope), undefined);
    assert.equal(evaluateExpression('data.name', scope), 'x');
    assert.equal(renderTemplate('${data}', scope), scope.data);
  });

  it('never reads inherited members, so methods of data stay out of reach', () => {
    for (const source of ['allValues.toString', 'allValues.valueOf', 'allValues.hasOwnProperty', 'allValues.items.push', 'allValues.clientName.replace', 'toString', 'hasOwnProperty']) {
      assert.equal(evaluateExpression(source, scope), undefined, source);
    }
  });

  it('builds object literals that carry no smuggled prototype', () => {
    const built = evaluateExpression('{ polluted: 1, title: "x" }', scope) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(built), Object.prototype);
    assert.deepEqual(Object.keys(built), ['polluted', 'title']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('has left Object.prototype untouched after every attack', () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(snapshot(), before);
  });
});
