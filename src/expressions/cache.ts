import type { CompiledExpression, Scope } from './compile.js';
import { LruCache } from './lru.js';
import { compileExpressionUncached, compileTemplateUncached } from './template.js';

/** How many compiled texts of each kind are kept; the least recently used are forgotten first. */
export const compiledCacheSize = 1_000;

// One cache per kind, so a lookup is a single Map read keyed by the text itself.
const expressions = new LruCache<string, CompiledExpression>(compiledCacheSize);
const templates = new LruCache<string, CompiledExpression>(compiledCacheSize);

/**
 * Compiles a bare expression once; later calls with the same text return the same object.
 *
 * @example compileExpression('allValues.clientPhone').evaluate({ allValues: { clientPhone: '+7 900 000-00-00' } })
 */
export function compileExpression(source: string): CompiledExpression {
  return expressions.get(source) ?? remember(expressions, source, compileExpressionUncached(source));
}

/**
 * Compiles field text with `${…}` placeholders once; later calls return the same object.
 *
 * @example compileTemplate('Hello, ${allValues.clientName}!').evaluate({ allValues: { clientName: 'Anna' } }) // → 'Hello, Anna!'
 */
export function compileTemplate(source: string): CompiledExpression {
  return templates.get(source) ?? remember(templates, source, compileTemplateUncached(source));
}

/** @example evaluateExpression('allValues.total * 2', { allValues: { total: 21 } }) // → 42 */
export function evaluateExpression(source: string, scope: Scope): unknown {
  return compileExpression(source).evaluate(scope);
}

/**
 * Renders field text: a string, or the raw value when the text is exactly one `${expr}`.
 *
 * @example renderTemplate('${allValues.files}', { allValues: { files: [] } }) // → [] (not "[]")
 */
export function renderTemplate(source: string, scope: Scope): unknown {
  return compileTemplate(source).evaluate(scope);
}

/** Forgets every compiled text (for tests and memory-conscious hosts). */
export function clearExpressionCache(): void {
  expressions.clear();
  templates.clear();
}

function remember(cache: LruCache<string, CompiledExpression>, source: string, compiled: CompiledExpression): CompiledExpression {
  cache.set(source, compiled);
  return compiled;
}
