import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { tokenize, tokenizePlaceholder } from './tokenizer.js';
import type { Token } from './tokenizer.js';

const values = (source: string) =>
  tokenize(source).map((token) => (token.kind === 'end' ? 'END' : token.kind === 'template' ? 'TEMPLATE' : token.value));

const failsAt = (run: () => unknown, position: number, words: RegExp) =>
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'EXPRESSION_ERROR');
    assert.equal(error.details?.position, position);
    assert.match(error.message, words);
    return true;
  });

describe('tokenizer', () => {
  it('reads a property path as names and dots, each with its offset', () => {
    const tokens = tokenize('allValues . clientPhone');
    assert.deepEqual(
      tokens.map((token) => [token.kind, token.start, token.end]),
      [['name', 0, 9], ['punct', 10, 11], ['name', 12, 23], ['end', 23, 23]],
    );
  });

  it('reads integers, decimals, exponents and hexadecimal numbers', () => {
    assert.deepEqual(values('1 2.5 .5 10. 1e3 2.5E-2 0x1F 0b101 0o17'), [1, 2.5, 0.5, 10, 1000, 0.025, 31, 5, 15, 'END']);
  });

  it('refuses a number glued to letters, and an exponent without digits', () => {
    failsAt(() => tokenize('12abc'), 0, /Invalid number "12a"/);
    failsAt(() => tokenize('1 + 2e'), 4, /Invalid number/);
  });

  it('reads strings in either quote with every escape a designer may need', () => {
    assert.deepEqual(values(String.raw`'it\'s' "say \"hi\"" "a\nb\tc\\d" "\u0416\u{1F600}\x41" "\0"`), [
      "it's", 'say "hi"', 'a\nb\tc\\d', 'Ж😀A', '\0', 'END',
    ]);
  });

  it('points at the opening quote of a string that never ends', () => {
    failsAt(() => tokenize('upper("abc)'), 6, /Unterminated string at position 6/);
    failsAt(() => tokenize('"line\nbreak"'), 0, /Unterminated string/);
  });

  it('refuses broken Unicode escapes and octal escapes', () => {
    failsAt(() => tokenize(String.raw`"\u12"`), 1, /Invalid Unicode escape/);
    failsAt(() => tokenize(String.raw`"\u{110000}"`), 1, /Invalid Unicode escape/);
    failsAt(() => tokenize(String.raw`"\07"`), 1, /Octal escapes/);
  });

  it('keeps operators whole, longest first', () => {
    assert.deepEqual(values('a?.b ?? c === d !== e ** f <= g'), ['a', '?.', 'b', '??', 'c', '===', 'd', '!==', 'e', '**', 'f', '<=', 'g', 'END']);
  });

  it('reads "a?.5:1" as a ternary, not optional chaining', () => {
    assert.deepEqual(values('a?.5:1'), ['a', '?', 0.5, ':', 1, 'END']);
  });

  it('reads Cyrillic names, so data keys may be written in Russian', () => {
    assert.deepEqual(values('allValues.имяКлиента'), ['allValues', '.', 'имяКлиента', 'END']);
  });

  it('refuses characters that have no meaning', () => {
    failsAt(() => tokenize('a # b'), 2, /Unexpected character "#" at position 2/);
  });

  it('reads a backtick literal as one token with cooked text and the tokens of each placeholder', () => {
    const [token] = tokenize('`Hi, ${name}!\\n`');
    assert.ok(token?.kind === 'template');
    assert.deepEqual(token.quasis, ['Hi, ', '!\n']);
    assert.equal(token.parts.length, 1);
    assert.equal(token.parts[0]?.open, 5);
    assert.deepEqual(token.parts[0]?.tokens.map((part: Token) => part.kind), ['name', 'end']);
  });

  it('balances braces of object literals and nested backticks inside a placeholder', () => {
    const source = 'x ${ {a: `${ {b: 1}.b }`}.a } y';
    const { tokens, resume } = tokenizePlaceholder(source, 2);
    assert.equal(source.slice(resume), ' y');
    assert.equal(tokens.at(-1)?.kind, 'end');
  });

  it('names the "${" of a placeholder that is never closed', () => {
    failsAt(() => tokenizePlaceholder('Hello ${allValues.name', 6), 6, /Unterminated "\$\{" at position 6/);
    failsAt(() => tokenize('`abc'), 0, /Unterminated template literal/);
  });
});
