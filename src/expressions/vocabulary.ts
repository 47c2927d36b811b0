import type { LiteralValue } from './ast.js';

/**
 * The words and operators of JavaScript the language knows about only to refuse them with a reason
 * the designer can act on (an unknown word would otherwise just read as missing data).
 */

const assignment = 'assignment is not allowed';
const bitwise = 'bitwise operators are not supported';
export const refusedPunctuators: Readonly<Record<string, string>> = {
  '=': assignment, '+=': assignment, '-=': assignment, '*=': assignment, '/=': assignment, '%=': assignment,
  '**=': assignment, '&&=': assignment, '||=': assignment, '??=': assignment, '&=': assignment, '|=': assignment,
  '^=': assignment, '<<=': assignment, '>>=': assignment, '>>>=': assignment,
  '++': 'increment and decrement are not allowed', '--': 'increment and decrement are not allowed',
  '=>': 'arrow functions are not allowed', ';': 'an expression cannot hold statements',
  '...': 'spread is not supported', '&': bitwise, '|': bitwise, '^': bitwise, '~': bitwise,
  '<<': bitwise, '>>': bitwise, '>>>': bitwise,
};

export const refusedWords: Readonly<Record<string, string>> = {
  new: 'creating objects is not allowed', delete: 'deleting is not allowed', in: 'the "in" operator is not supported',
  instanceof: 'the "instanceof" operator is not supported', void: '"void" is not supported',
  function: 'functions cannot be defined', class: 'classes cannot be defined', async: 'functions cannot be defined',
  await: 'nothing can be awaited', yield: 'an expression cannot hold statements', super: 'only data can be read',
  var: 'variables cannot be declared', let: 'variables cannot be declared', const: 'variables cannot be declared',
  ...Object.fromEntries(
    ['return', 'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'break', 'continue', 'throw', 'try', 'catch',
      'finally', 'with', 'debugger', 'export', 'extends', 'enum'].map((word) => [word, 'an expression cannot hold statements']),
  ),
};

export const literalWords: ReadonlyMap<string, LiteralValue> = new Map<string, LiteralValue>([
  ['true', true], ['false', false], ['null', null], ['undefined', undefined], ['NaN', NaN], ['Infinity', Infinity],
]);

