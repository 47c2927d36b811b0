import type { Binary, Logical, Unary } from './ast.js';
import type { Budget } from './budget.js';
import type { Evaluator, Scope } from './compile.js';
import { failureAt } from './failure.js';
import { measureData } from './measure.js';

/** A unary operator over its compiled operand. */
export function compileUnary(node: Unary, argument: Evaluator, source: string): Evaluator {
  switch (node.operator) {
    case '!':
      return (scope, budget) => !argument(scope, budget);
    case 'typeof':
      return (scope, budget) => typeof argument(scope, budget);
    case '-':
      return guarded((scope, budget) => -(convertible(argument(scope, budget), budget) as number), source, node.start);
    case '+':
      return guarded((scope, budget) => +(convertible(argument(scope, budget), budget) as number), source, node.start);
  }
}

type Operation = (left: number, right: number) => unknown;

// Typed as numbers for the compiler only: at run time these are JavaScript's own operators,
// with their usual meaning for strings and mixed types.
const operations: Readonly<Record<Binary['operator'], Operation>> = {
  '+': (l, r) => l + r, '-': (l, r) => l - r, '*': (l, r) => l * r, '/': (l, r) => l / r,
  '%': (l, r) => l % r, '**': (l, r) => l ** r,
  // Loose equality on purpose: the language keeps JavaScript's meaning of == and !=.
  '==': (l, r) => l == r, '!=': (l, r) => l != r,
  '===': (l, r) => l === r, '!==': (l, r) => l !== r,
  '<': (l, r) => l < r, '>': (l, r) => l > r, '<=': (l, r) => l <= r, '>=': (l, r) => l >= r,
};

/** One link of a chain `a + b - c …`: combines the value so far with the link's right operand. */
export type Link = (left: unknown, scope: Scope, budget: Budget) => unknown;

/**
 * A chain of infix operators, evaluated in a loop: `a + b + … + z` parses as a tree as deep as
 * the chain is long (each `+` holds the ones before it on its left), and closures calling closures
 * that deep would overflow the stack. `links` are in the order they apply.
 */
export function compileChain(first: Evaluator, links: readonly Link[]): Evaluator {
  return (scope, budget) => {
    let value = first(scope, budget);
    for (const link of links) value = link(value, scope, budget);
    return value;
  };
}

/** `&&`, `||` or `??` with `right` evaluated only when JavaScript would. */
export function logicalLink(node: Logical, right: Evaluator): Link {
  if (node.operator === '&&') return (left, scope, budget) => left && right(scope, budget);
  if (node.operator === '||') return (left, scope, budget) => left || right(scope, budget);
  return (left, scope, budget) => left ?? right(scope, budget);
}

/** A binary operator applied to the value so far and `right`; a failure names the operator's spot. */
export function binaryLink(node: Binary, right: Evaluator, source: string): Link {
  const operate = operator(node.operator);
  return (left, scope, budget) => {
    try {
      return operate(left, right(scope, budget), budget);
    } catch (error) {
      throw failureAt(error, source, node.start);
    }
  };
}

type Operate = (left: unknown, right: unknown, budget: Budget) => unknown;

function operator(name: Binary['operator']): Operate {
  const operation = operations[name];
  switch (name) {
    case '===':
    case '!==':
      return operation as Operate;
    case '+':
      return add;
    case '==':
    case '!=':
      return (l, r, budget) => {
        // Only an object met by a primitive is turned into text; `list != null` stays cheap.
        if (isObject(l) !== isObject(r) && l != null && r != null) {
          convertible(l, budget);
          convertible(r, budget);
        }
        return operation(l as number, r as number);
      };
    default:
      return (l, r, budget) => operation(convertible(l, budget) as number, convertible(r, budget) as number);
  }
}

/** `+` with its result measured: two texts are measured before they are joined. */
function add(left: unknown, right: unknown, budget: Budget): unknown {
  if (typeof left === 'number' && typeof right === 'number') return left + right;
  if (typeof left === 'string' && typeof right === 'string') {
    budget.checkLength(left.length + right.length);
    // Engines join two texts without copying the longer one, so a long chain `a + b + …` costs
    // what it appends, not the length of every partial sum.
    budget.spend(Math.min(left.length, right.length));
    return left + right;
  }
  // Other operands are short once measured (numbers, booleans, measured arrays), so the sum is too.
  const sum: unknown = (convertible(left, budget) as number) + (convertible(right, budget) as number);
  if (typeof sum === 'string') budget.allowText(sum.length);
  return sum;
}

/**
 * An operator turns an array into text (its items joined by commas, recursively): measure it
 * first, so a huge or deeply nested array is refused instead of built or overflowing the stack.
 */
function convertible(value: unknown, budget: Budget): unknown {
  if (Array.isArray(value)) measureData(value, budget);
  return value;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** Operators on objects without a usable toString (e.g. null-prototype data) throw; name the spot. */
function guarded(evaluate: Evaluator, source: string, position: number): Evaluator {
  return (scope, budget) => {
    try {
      return evaluate(scope, budget);
    } catch (error) {
      throw failureAt(error, source, position);
    }
  };
}
