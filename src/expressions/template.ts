import type { Node } from './ast.js';
import { Budget } from './budget.js';
import type { CompiledExpression, Evaluator, Scope } from './compile.js';
import { compileNode, compileParts } from './compile.js';
import { expressionError, failureAt } from './failure.js';
import { checkLength, parseExpression, parsePlaceholder } from './parser.js';
import { tokenizePlaceholder } from './tokenizer.js';

/** A field template split into its text pieces and placeholders: `quasis.length === expressions.length + 1`. */
export interface TemplateAst {
  readonly quasis: readonly string[];
  readonly expressions: readonly Node[];
}

/**
 * Whether the text holds a `${` that is not escaped as `\${`.
 *
 * @example isTemplate('Hello, ${allValues.name}!') // → true
 * @example isTemplate('Costs \\${price}') // → false
 */
export function isTemplate(source: string): boolean {
  for (let open = source.indexOf('${'); open >= 0; open = source.indexOf('${', open + 2)) {
    if (source[open - 1] !== '\\') return true;
  }
  return false;
}

/**
 * Splits field text into text and `${…}` placeholders. In a field template a backslash is special
 * only right before `${`: `\${` is a literal `${`; every other character is kept as written.
 * Offsets in the tree are offsets into the whole template.
 */
export function parseTemplate(source: string): TemplateAst {
  checkLength(source);
  const quasis: string[] = [];
  const expressions: Node[] = [];
  let text = '';
  let from = 0;
  for (;;) {
    const open = source.indexOf('${', from);
    if (open < 0) break;
    if (source[open - 1] === '\\') {
      text += `${source.slice(from, open - 1)}\${`;
      from = open + 2;
      continue;
    }
    const { tokens, resume } = tokenizePlaceholder(source, open);
    expressions.push(parsePlaceholder(source, tokens, open));
    quasis.push(text + source.slice(from, open));
    text = '';
    from = resume;
  }
  quasis.push(text + source.slice(from));
  return { quasis, expressions };
}

/**
 * Compiles field text without the cache. Text without placeholders becomes a constant; text that
 * is exactly one `${expr}` evaluates to that expression's raw value (an array of attachments stays
 * an array); anything else renders to a string.
 */
export function compileTemplateUncached(source: string): CompiledExpression {
  const { quasis, expressions } = parseTemplate(source);
  const [only] = expressions;
  if (only === undefined) {
    const text = quasis[0] ?? '';
    return compiled(source, () => text, 0);
  }
  if (expressions.length === 1 && quasis[0] === '' && quasis[1] === '') {
    return compiled(source, compileNode(only, source), only.start);
  }
  return compiled(source, compileParts(quasis, expressions, source), only.start);
}

/** Compiles a bare expression without the cache. */
export function compileExpressionUncached(source: string): CompiledExpression {
  const node = parseExpression(source);
  return compiled(source, compileNode(node, source), node.start);
}

function compiled(source: string, run: Evaluator, position: number): CompiledExpression {
  return Object.freeze({
    source,
    evaluate(scope: Scope, budget: Budget = new Budget()): unknown {
      if (typeof scope !== 'object' || scope === null) {
        throw expressionError(source, position, 'No data to evaluate against', { hint: 'the scope must be an object such as { allValues }' });
      }
      try {
        return run(scope, budget);
      } catch (error) {
        throw failureAt(error, source, position);
      }
    },
  });
}
