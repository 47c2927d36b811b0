import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { Budget } from './budget.js';
import { compileNode } from './compile.js';
import { parseExpression } from './parser.js';

const run = (source: string, scope: Record<string, unknown> = {}) => compileNode(parseExpression(source), source)(scope, new Budget());

const failsAt = (source: string, scope: Record<string, unknown>, position: number, words: RegExp) =>
  assert.throws(() => run(source, scope), (error: unknown) => {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'EXPRESSION_ERROR');
    assert.equal(error.details?.position, position, error.message);
    assert.match(error.message, words);
    return true;
  });

const allValues = {
  clientPhone: '+7 900 123-45-67',
  total: 1500,
  items: ['консультация', 'анализы'],
  client: { name: 'Анна', address: null },
  invoiceUrl: 'https://example.com/invoice.pdf',
};

describe('evaluating compiled expressions', () => {
  it('reads the client phone from process data', () => {
    assert.equal(run('allValues.clientPhone', { allValues }), '+7 900 123-45-67');
  });

  it('reads nested data, array items and computed keys', () => {
    assert.equal(run('allValues.client.name', { allValues }), 'Анна');
    assert.equal(run('allValues.items[1]', { allValues }), 'анализы');
    assert.equal(run('allValues["total"]', { allValues }), 1500);
    assert.equal(run('allValues.items[allValues.items.length - 1]', { allValues }), 'анализы');
    assert.equal(run('allValues.items.length', { allValues }), 2);
    assert.equal(run('allValues.clientPhone.length', { allValues }), 16);
    assert.equal(run('allValues.clientPhone[0]', { allValues }), '+');
  });

  it('reads an unknown root name and a missing property as undefined', () => {
    assert.equal(run('nothingHere', { allValues }), undefined);
    assert.equal(run('allValues.missing', { allValues }), undefined);
    assert.equal(run('typeof nothingHere', {}), 'undefined');
  });

  it('reads only own properties: what data objects inherit reads as undefined', () => {
    assert.equal(run('allValues.toString', { allValues }), undefined);
    assert.equal(run('allValues.hasOwnProperty', { allValues }), undefined);
    assert.equal(run('allValues.items.map', { allValues }), undefined);
    assert.equal(run('allValues.clientPhone.toUpperCase', { allValues }), undefined);
    assert.equal(run('toString', { allValues }), undefined);
  });

  it('helps find typos: reading through a missing value names the property and the path', () => {
    failsAt('allValues.clinet.name', { allValues }, 17, /^Cannot read "name" of undefined at position 17 in "allValues\.clinet\.name": "allValues\.clinet" is undefined; write "\?\.name"/);
    failsAt('allValues.client.address.city', { allValues }, 25, /Cannot read "city" of null/);
    failsAt('allValues.items[5][0]', { allValues }, 19, /Cannot read \[0\] of undefined/);
    failsAt('missing.x', {}, 8, /Cannot read "x" of undefined/);
  });

  it('ends an optional chain quietly at the first missing link', () => {
    assert.equal(run('allValues.clinet?.name', { allValues }), undefined);
    assert.equal(run('allValues?.client.address?.city.street', { allValues }), undefined);
    assert.equal(run('missing?.a.b.c', {}), undefined);
    assert.equal(run('allValues.items?.[0]', { allValues }), 'консультация');
    assert.equal(run('missing?.[0]', {}), undefined);
    assert.equal(run('allValues?.client.name', { allValues }), 'Анна');
    failsAt('(missing?.a).b', {}, 13, /Cannot read "b" of undefined/);
  });

  it('checks computed keys when they are evaluated', () => {
    failsAt('allValues["con" + "structor"]', { allValues }, 10, /"constructor" cannot be read/);
    failsAt('allValues[key]', { allValues, key: '__proto__' }, 10, /"__proto__" cannot be read/);
    failsAt('allValues[key]', { allValues, key: { toString: 'x' } }, 10, /must be a string or a number, not object/);
  });

  it('evaluates literals of every kind', () => {
    assert.equal(run('42'), 42);
    assert.equal(run('1.5e3'), 1500);
    assert.equal(run('"двойные" + \'одинарные\''), 'двойныеодинарные');
    assert.equal(run(String.raw`"a\tb\n\u{1F44B}"`), 'a\tb\n👋');
    assert.deepEqual([run('true'), run('false'), run('null'), run('undefined')], [true, false, null, undefined]);
    assert.ok(Number.isNaN(run('NaN')));
    assert.equal(run('Infinity'), Infinity);
    assert.equal(run('`Итого: ${allValues.total} ₽`', { allValues }), 'Итого: 1500 ₽');
    assert.equal(run('`${missing}|${null}|${[1, 2]}|${{ a: 1 }}`'), '||[1,2]|{"a":1}');
  });

  it('builds the attachments list from an array of object literals', () => {
    const attachments = run('[{ title: "Invoice", url: allValues.invoiceUrl }, { title: "Копия", url }]', { allValues, url: 'https://x.test/a' });
    assert.deepEqual(attachments, [
      { title: 'Invoice', url: 'https://example.com/invoice.pdf' },
      { title: 'Копия', url: 'https://x.test/a' },
    ]);
  });

  it('evaluates a flat chain of 4,999 operators in a loop, without overflowing the stack', () => {
    const terms = 4_999;
    assert.equal(run(Array(terms).fill('a').join('+'), { a: 1 }), terms);
    assert.equal(run(Array(terms).fill('a').join('+'), { a: 'b' }), 'b'.repeat(terms));
    assert.equal(run(Array(3_333).fill('a').join('||'), { a: 0 }), 0);
    assert.equal(run(`1${'-a'.repeat(terms - 1)}`, { a: 1 }), 1 - (terms - 1));
  });

  it('builds a fresh object and array on every evaluation', () => {
    const evaluate = compileNode(parseExpression('[{ a: 1 }]'), '[{ a: 1 }]');
    const first = evaluate({}, new Budget()) as { a: number }[];
    const second = evaluate({}, new Budget()) as { a: number }[];
    assert.notEqual(first, second);
    assert.notEqual(first[0], second[0]);
  });

  it('applies arithmetic operators with JavaScript semantics', () => {
    const scope = { a: 7, b: 2, s: '5' };
    assert.equal(run('a + b', scope), 9);
    assert.equal(run('a - b', scope), 5);
    assert.equal(run('a * b', scope), 14);
    assert.equal(run('a / b', scope), 3.5);
    assert.equal(run('a % b', scope), 1);
    assert.equal(run('a ** b', scope), 49);
    assert.equal(run('s + a', scope), '57');
    assert.equal(run('s * b', scope), 10);
    assert.equal(run('-a', scope), -7);
    assert.equal(run('+s', scope), 5);
    assert.equal(run('!a', scope), false);
    assert.equal(run('!!missing', scope), false);
    assert.equal(run('typeof s', scope), 'string');
  });

  it('compares with JavaScript semantics, loose and strict', () => {
    const scope = { n: 5, s: '5', z: null };
    assert.deepEqual(
      ['n == s', 'n != s', 'n === s', 'n !== s', 'z == undefined', 'z === undefined', 'n < 6', 'n > 6', 'n <= 5', 'n >= 6', '"b" > "a"'].map((e) => run(e, scope)),
      [true, false, false, true, true, false, true, false, true, false, true],
    );
  });

  it('short-circuits logical operators and the ternary', () => {
    const scope = { yes: true, no: false, zero: 0, empty: '' };
    assert.equal(run('yes && "да"', scope), 'да');
    assert.equal(run('no && missing.boom', scope), false);
    assert.equal(run('zero || "fallback"', scope), 'fallback');
    assert.equal(run('yes || missing.boom', scope), true);
    assert.equal(run('zero ?? 1', scope), 0);
    assert.equal(run('missing ?? "нет"', scope), 'нет');
    assert.equal(run('yes ? "a" : missing.boom', scope), 'a');
    assert.equal(run('empty ? "a" : "b"', scope), 'b');
  });

  it('names the operator that fails on data without a usable toString', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { x: 1 });
    failsAt('"a" + bare', { bare }, 0, /Cannot convert object to primitive value at position 0/);
    failsAt('1 + -bare', { bare }, 4, /at position 4/);
  });

  it('calls helpers by name and refuses other names at compile time', () => {
    assert.equal(run('upper(allValues.client.name)', { allValues }), 'АННА');
    assert.throws(() => run('shout(1)'), /"shout" is not a helper function at position 0 in "shout\(1\)": only these can be called: formatDate/);
    assert.throws(() => run('upper()'), /upper takes 1 argument, not 0 at position 0.*usage: upper\(text\)/);
    assert.throws(() => run('formatDate(1, 2, 3, 4, 5)'), /formatDate takes 1 to 4 arguments, not 5/);
  });

  it('does not let data shadow a helper: a call always means the helper', () => {
    assert.equal(run('upper("x")', { upper: () => 'hijacked' }), 'X');
    assert.equal(typeof run('upper', { upper: 'data' }), 'string');
  });

  it('points a helper\'s complaint at the call', () => {
    failsAt('1 + formatDate(allValues.clientPhone)', { allValues }, 4, /^formatDate: "\+7 900 123-45-67" is not a valid date at position 4/);
    failsAt('join(allValues.total)', { allValues }, 0, /join: 1500 is not an array at position 0/);
  });
});
