import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import type { Node } from './ast.js';
import { maxNestingDepth, maxSourceLength } from './failure.js';
import { parseExpression } from './parser.js';

/** The tree as compact Lisp-like text, to compare shapes at a glance. */
function shape(node: Node): string {
  switch (node.type) {
    case 'Literal': return JSON.stringify(node.value) ?? 'undefined';
    case 'Identifier': return node.name;
    case 'Member': return `(${node.optional ? '?.' : '.'} ${shape(node.object)} ${node.name})`;
    case 'Index': return `(${node.optional ? '?.[]' : '[]'} ${shape(node.object)} ${shape(node.index)})`;
    case 'Chain': return `(chain ${shape(node.expression)})`;
    case 'Call': return `(${node.callee} ${node.args.map(shape).join(' ')})`;
    case 'Unary': return `(${node.operator} ${shape(node.argument)})`;
    case 'Binary':
    case 'Logical': return `(${node.operator} ${shape(node.left)} ${shape(node.right)})`;
    case 'Conditional': return `(? ${shape(node.test)} ${shape(node.consequent)} ${shape(node.alternate)})`;
    case 'Array': return `[${node.elements.map(shape).join(' ')}]`;
    case 'Object': return `{${node.properties.map((p) => `${p.key}: ${shape(p.value)}`).join(', ')}}`;
    case 'Template': return `(\` ${node.quasis.map((q) => JSON.stringify(q)).join(' ')} | ${node.expressions.map(shape).join(' ')})`;
  }
}

const parsed = (source: string) => shape(parseExpression(source));

const refusedAt = (source: string, position: number, words: RegExp) =>
  assert.throws(() => parseExpression(source), (error: unknown) => {
    assert.ok(error instanceof ConnectorError, `expected a ConnectorError for ${source}`);
    assert.equal(error.code, 'EXPRESSION_ERROR');
    assert.equal(error.details?.position, position, error.message);
    assert.equal(error.details?.expression, source);
    assert.match(error.message, words);
    return true;
  });

describe('parser', () => {
  it('reads a designer\'s path to a phone number', () => {
    assert.equal(parsed('allValues.clientPhone'), '(. allValues clientPhone)');
  });

  it('gives every node its offsets in the text', () => {
    const node = parseExpression('  a.b + upper(c)');
    assert.ok(node.type === 'Binary');
    assert.deepEqual([node.start, node.end], [2, 16]);
    assert.deepEqual([node.left.start, node.left.end], [2, 5]);
    assert.deepEqual([node.right.start, node.right.end], [8, 16]);
    assert.ok(node.left.type === 'Member');
    assert.equal(node.left.nameStart, 4);
  });

  it('binds operators as JavaScript does', () => {
    assert.equal(parsed('1 + 2 * 3'), '(+ 1 (* 2 3))');
    assert.equal(parsed('1 - 2 - 3'), '(- (- 1 2) 3)');
    assert.equal(parsed('2 ** 3 ** 2'), '(** 2 (** 3 2))');
    assert.equal(parsed('(-2) ** 2'), '(** (- 2) 2)');
    assert.equal(parsed('a < b == c > d'), '(== (< a b) (> c d))');
    assert.equal(parsed('a || b && c'), '(|| a (&& b c))');
    assert.equal(parsed('a ?? b ?? c'), '(?? (?? a b) c)');
    assert.equal(parsed('!a === typeof b'), '(=== (! a) (typeof b))');
    assert.equal(parsed('a ? b : c ? d : e'), '(? a b (? c d e))');
    assert.equal(parsed('(a + b) * c'), '(* (+ a b) c)');
  });

  it('reads literals, arrays and objects, including shorthand keys and trailing commas', () => {
    assert.equal(parsed('[1, "a", true, null, undefined,]'), '[1 "a" true null undefined]');
    assert.equal(parsed('{ title: "Invoice", "url": allValues.invoiceUrl, 1: x, name }'),
      '{title: "Invoice", url: (. allValues invoiceUrl), 1: x, name: name}');
    assert.equal(parsed('[{ title: "Invoice", url: allValues.invoiceUrl }]'), '[{title: "Invoice", url: (. allValues invoiceUrl)}]');
    assert.equal(parsed('{}'), '{}');
  });

  it('reads backtick literals with nested placeholders', () => {
    assert.equal(parsed('`a${x}b${`c${y}`}`'), '(` "a" "b" "" | x (` "c" "" | y))');
  });

  it('wraps a chain that has "?." so a missing link ends the whole chain', () => {
    assert.equal(parsed('a?.b.c'), '(chain (. (?. a b) c))');
    assert.equal(parsed('a?.[0]'), '(chain (?.[] a 0))');
    assert.equal(parsed('(a?.b).c'), '(. (chain (?. a b)) c)');
  });

  it('reads helper calls by name with any number of arguments', () => {
    assert.equal(parsed('formatDate(allValues.date, "dd.MM.yyyy",)'), '(formatDate (. allValues date) "dd.MM.yyyy")');
    assert.equal(parsed('upper(a)?.length'), '(chain (?. (upper a) length))');
  });

  it('points at the first token it cannot use', () => {
    refusedAt('allValues.a = 1', 12, /^Unexpected "=" at position 12 in "allValues.a = 1": assignment is not allowed$/);
    refusedAt('a +', 3, /Unexpected end of expression at position 3/);
    refusedAt('a b', 2, /Unexpected "b" at position 2/);
    refusedAt('(a', 2, /expected "\)"/);
    refusedAt('[1,,2]', 3, /Unexpected ","/);
    refusedAt('a.1', 1, /Unexpected number "\.1"/);
  });

  it('refuses what would change data or run code, naming why', () => {
    refusedAt('x = 1', 2, /assignment is not allowed/);
    refusedAt('x += 1', 2, /assignment is not allowed/);
    refusedAt('a++', 1, /increment and decrement/);
    refusedAt('--a', 0, /increment and decrement/);
    refusedAt('(() => 1)()', 4, /arrow functions are not allowed/);
    refusedAt('new Date()', 0, /Unexpected "new".*creating objects is not allowed/);
    refusedAt('delete a.b', 0, /deleting is not allowed/);
    refusedAt('"a" in allValues', 4, /"in" operator/);
    refusedAt('a instanceof b', 2, /"instanceof" operator/);
    refusedAt('a, b', 1, /comma sequences are not allowed/);
    refusedAt('/abc/.test(x)', 0, /regular expressions are not supported/);
    refusedAt('a; b', 1, /cannot hold statements/);
    refusedAt('a | b', 2, /bitwise operators/);
    refusedAt('[...a]', 1, /spread is not supported/);
    refusedAt('function () {}', 0, /functions cannot be defined/);
  });

  it('refuses calls of anything but a helper name', () => {
    refusedAt('allValues.toString()', 0, /Cannot call "allValues\.toString".*only helper functions/);
    refusedAt('upper(a)(b)', 0, /Cannot call "upper\(a\)"/);
    refusedAt('(upper)(a)', 1, /Cannot call "upper"/);
    refusedAt('a?.(1)', 1, /only helper functions/);
  });

  it('refuses the names that lead to the host, wherever they stand', () => {
    for (const name of ['this', 'globalThis', 'global', 'window', 'process', 'require', 'eval', 'Function', 'constructor', '__proto__', 'prototype']) {
      refusedAt(`1 + ${name}`, 4, new RegExp(`"${name}" is not available`));
    }
    refusedAt('import("fs")', 0, /"import" is not available/);
    refusedAt('{ process }', 2, /"process" is not available/);
  });

  it('refuses prototype keys after ".", in "[…]" with a literal, and in object literals', () => {
    refusedAt('a.constructor', 2, /"constructor" cannot be read/);
    refusedAt('a?.__proto__', 3, /"__proto__" cannot be read/);
    refusedAt('a["prototype"]', 2, /"prototype" cannot be read/);
    refusedAt('{ "__proto__": {} }', 2, /"__proto__" cannot be used as a key/);
    refusedAt('{ __proto__: {} }', 2, /"__proto__" cannot be used as a key/);
    refusedAt('{ constructor: 1 }', 2, /"constructor" cannot be used as a key/);
    refusedAt('{ [k]: 1 }', 2, /computed keys are not supported/);
  });

  it('refuses mixing "??" with "||" or "&&" without parentheses, as JavaScript does', () => {
    refusedAt('a ?? b || c', 2, /use parentheses/);
    refusedAt('a || b ?? c', 7, /use parentheses/);
    assert.equal(parsed('(a ?? b) || c'), '(|| (?? a b) c)');
  });

  it('refuses "-2 ** 2", which JavaScript finds ambiguous', () => {
    refusedAt('-2 ** 2', 3, /wrap the unary operand/);
  });

  it(`stops at ${maxNestingDepth} levels of nesting instead of overflowing the stack`, () => {
    const deep = (depth: number) => `${'('.repeat(depth)}1${')'.repeat(depth)}`;
    assert.equal(parsed(deep(20)), '1');
    for (const source of [deep(500), '!'.repeat(5000) + 'a', `2${'**2'.repeat(3000)}`, '['.repeat(3000), 'a.b'.repeat(1) + '.b'.repeat(3000), '`${'.repeat(1000)]) {
      assert.throws(() => parseExpression(source), (error: unknown) => error instanceof ConnectorError && error.code === 'EXPRESSION_ERROR' && /nested too deeply/.test(error.message));
    }
  });

  it('reads a flat chain of 64 or 4,999 "+" as a chain, not as nesting', () => {
    assert.equal(parsed(`a${'+a'.repeat(3)}`), '(+ (+ (+ a a) a) a)');
    for (const terms of [64, 65, 4_999]) {
      const node = parseExpression(Array(terms).fill('a').join('+'));
      assert.equal(node.type, 'Binary');
    }
    const mixed = parseExpression(`a${' + a * a || a && a'.repeat(400)}`);
    assert.equal(mixed.type, 'Logical');
  });

  it(`refuses text longer than ${maxSourceLength} characters before reading it`, () => {
    refusedAt(`a${' '.repeat(maxSourceLength)}`, maxSourceLength, /too long \(10001 characters\)/);
    assert.equal(parsed(`${' '.repeat(maxSourceLength - 1)}a`), 'a');
  });
});
