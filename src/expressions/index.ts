/**
 * A safe expression language for process designers: templates (`Hello, ${allValues.name}!`) and
 * bare expressions (`allValues.clientPhone`), parsed by our own parser and compiled to closures.
 * Expressions read only the data scope's own properties and call only whitelisted helpers.
 */
export {
  compileExpression,
  compileTemplate,
  evaluateExpression,
  renderTemplate,
  clearExpressionCache,
  compiledCacheSize,
} from './cache.js';
export type { CompiledExpression, Scope } from './compile.js';
export { isTemplate, parseTemplate, compileTemplateUncached, compileExpressionUncached } from './template.js';
export type { TemplateAst } from './template.js';
export { parseExpression } from './parser.js';
export type * from './ast.js';
export { helpers, helperSignatures, formatNumber, join, length, number } from './helpers.js';
export type { Helper } from './helpers.js';
export { formatDate, defaultDatePattern } from './dates.js';
export { defaultLocale, defaultTimeZone } from './intl.js';
export { toText } from './text.js';
export { maxSourceLength, maxNestingDepth } from './failure.js';
export { Budget } from './budget.js';
