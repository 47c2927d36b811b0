import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { expressionLimits } from '../domain/limits.js';
import { Budget } from './budget.js';
import { compileExpression, compileTemplate } from './cache.js';

const { maxTextLength, maxSteps, maxDataDepth } = expressionLimits;

/** Evaluates with a budget the test can read afterwards: how much work was done. */
function evaluate(source: string, allValues: Record<string, unknown> = {}) {
  const budget = new Budget();
  const compile = source.includes('${') ? compileTemplate : compileExpression;
  try {
    return { value: compile(source).evaluate({ allValues }, budget), budget };
  } catch (error) {
    return { error, budget };
  }
}

function refused(source: string, allValues: Record<string, unknown>, words: RegExp) {
  const { error, budget } = evaluate(source, allValues);
  assert.ok(error instanceof ConnectorError, `expected a refusal, got ${String(error)}`);
  assert.equal(error.code, 'EXPRESSION_ERROR');
  assert.equal(error.details?.expression, source);
  assert.equal(typeof error.details?.position, 'number');
  assert.match(error.message, words);
  return { error, budget };
}

const nested = (levels: number): unknown[] => {
  const root: unknown[] = [];
  let inner = root;
  for (let level = 1; level < levels; level++) inner.push((inner = []));
  return root;
};

describe('budgets', () => {
  it('refuses the runaway join of issue 13 before building it, after a few thousand steps', () => {
    // 6.6 KB of literals: 1600 zeros joined by (1600 zeros joined by 150 "x") would be 386 MB.
    const zeros = `[${'0,'.repeat(1600)}]`;
    const source = `\${upper(join(${zeros}, join(${zeros}, "${'x'.repeat(150)}")))}`;
    const { error, budget } = refused(source, {}, /^A text of 239,850 characters is too long \(at most 65,536\) at position \d+/);
    // The inner join was refused from the lengths alone: no item was turned into text, no outer join ran.
    assert.equal(error.details?.length, 1599 * 150);
    assert.equal(error.details?.helper, 'join');
    assert.equal(budget.steps, 1600);
  });

  it('joins a list into a text of exactly 65,536 characters, refuses one character more', () => {
    const list = ['x'.repeat(maxTextLength - 10), 'y'.repeat(9)];
    assert.equal((evaluate('join(allValues.list, "-")', { list }).value as string).length, maxTextLength);
    refused('join(allValues.list, "--")', { list }, /A text of 65,537 characters is too long/);
  });

  it('measures "+", templates, upper and formatDate patterns before building their text', () => {
    const half = 'a'.repeat(maxTextLength / 2 + 1);
    refused('allValues.half + allValues.half', { half }, /A text of 65,538 characters is too long \(at most 65,536\) at position 0/);
    refused('${allValues.half}${allValues.half}', { half }, /A text of 65,538 characters is too long \(at most 65,536\) at position 19/);
    refused('upper(allValues.text)', { text: `${half}${half}` }, /A text of 65,538 characters is too long/);
    refused('formatDate(0, allValues.pattern)', { pattern: 'd'.repeat(maxTextLength + 1) }, /A text of 65,537 characters/);
  });

  it('refuses data too large to show as text while measuring it, without serialising it', () => {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, i]));
    const { budget } = refused('string(allValues.wide)', { wide }, /is too long \(at most 65,536\)/);
    assert.ok(budget.steps < maxTextLength, `${budget.steps} steps`);
  });

  it('stops an evaluation that does too much work in total, though every text stays short', () => {
    const term = 'length(upper(allValues.text))';
    const text = 'a'.repeat(60_000);
    assert.equal(evaluate(Array(16).fill(term).join(' + '), { text }).value, 16 * 60_000);
    const { error, budget } = refused(Array(17).fill(term).join(' + '), { text }, /^The expression needs more than 1,000,000 steps/);
    assert.equal(error.details?.maxSteps, maxSteps);
    assert.ok(budget.steps <= maxSteps + text.length);
  });

  it('counts a long template and a long "+" chain by what they append, not by every partial text', () => {
    const word = 'w'.repeat(30);
    const template = evaluate('${allValues.word}'.repeat(500), { word });
    assert.equal((template.value as string).length, 500 * 30);
    assert.ok(template.budget.steps <= 500 * 30, `${template.budget.steps} steps`);
    const chain = evaluate(Array(600).fill('allValues.word').join('+'), { word });
    assert.equal((chain.value as string).length, 600 * 30);
    assert.ok(chain.budget.steps <= 600 * 30, `${chain.budget.steps} steps`);
  });

  it('refuses a list longer than the steps left before going through it', () => {
    const list = new Array<string>(maxSteps + 1).fill('');
    const { budget } = refused('join(allValues.list, "")', { list }, /needs more than 1,000,000 steps/);
    assert.equal(budget.steps, maxSteps + 1);
  });
});

describe('data that cannot be shown as text', () => {
  it('says data nested too deeply is nested too deeply, in text and in comparisons', () => {
    const deep = nested(100_000);
    refused('text: ${allValues.deep}', { deep }, /cannot be shown as text: the data is nested more than 100 levels deep at position 8/);
    refused('allValues.deep < 1', { deep }, /nested more than 100 levels deep at position 0/);
    refused('allValues.deep + ""', { deep }, /nested more than 100 levels deep/);
    assert.equal(evaluate('allValues.deep != null', { deep }).value, true);
  });

  it('shows data exactly 100 levels deep', () => {
    assert.equal(evaluate('string(allValues.deep)', { deep: nested(maxDataDepth) }).value, `${'['.repeat(100)}${']'.repeat(100)}`);
    refused('string(allValues.deep)', { deep: nested(maxDataDepth + 1) }, /nested more than 100 levels deep/);
  });

  it('names a value that refers to itself, and a BigInt, each for what it is', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    refused('string(allValues.loop)', { loop }, /cannot be shown as text: it refers to itself/);
    refused('string(allValues.big)', { big: { n: 10n } }, /cannot be shown as text: it holds a BigInt/);
  });
});
