import type { Binary, Unary } from './ast.js';
import type { Budget } from './budget.js';
import type { Evaluator } from './compile.js';
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

/** A binary operator over its compiled operands. */
export function compileBinary(node: Binary, left: Evaluator, right: Evaluator, source: string): Evaluator {
  const operation = operations[node.operator];
  switch (node.operator) {
    case '===':
      return (scope, budget) => left(scope, budget) === right(scope, budget);
    case '!==':
      return (scope, budget) => left(scope, budget) !== right(scope, budget);
    case '+':
      return guarded((scope, budget) => add(left(scope, budget), right(scope, budget), budget), source, node.start);
    case '==':
    case '!=':
      return guarded((scope, budget) => {
        const l = left(scope, budget);
        const r = right(scope, budget);
        // Only an object met by a primitive is turned into text; `list != null` stays cheap.
        if (isObject(l) !== isObject(r) && l != null && r != null) {
          convertible(l, budget);
          convertible(r, budget);
        }
        return operation(l as number, r as number);
      }, source, node.start);
    default:
      return guarded((scope, budget) => operation(convertible(left(scope, budget), budget) as number, convertible(right(scope, budget), budget) as number), source, node.start);
  }
}

/** `+` with its result measured: two texts are measured before they are joined. */
function add(left: unknown, right: unknown, budget: Budget): unknown {
  if (typeof left === 'number' && typeof right === 'number') return left + right;
  if (typeof left === 'string' && typeof right === 'string') {
    budget.allowText(left.length + right.length);
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
