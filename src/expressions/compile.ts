import type { Binary, Call, Index, Logical, Member, Node } from './ast.js';
import { forbiddenKeys } from './ast.js';
import type { Budget } from './budget.js';
import { expressionError, failureAt } from './failure.js';
import { helperSignatures, helpers } from './helpers.js';
import { binaryLink, compileChain, compileUnary, logicalLink } from './operators.js';
import type { Link } from './operators.js';
import { textAt } from './text.js';

/** The data an expression reads: its root names are this object's OWN properties. */
export type Scope = Readonly<Record<string, unknown>>;

/** One compiled expression or template: compile once, evaluate many times. */
export interface CompiledExpression {
  /** The field text it was compiled from. */
  readonly source: string;
  /**
   * Evaluates against `scope`; throws ConnectorError EXPRESSION_ERROR with a position. `budget`
   * bounds the work and the texts built (the documented defaults unless given).
   */
  evaluate(scope: Scope, budget?: Budget): unknown;
}

export type Evaluator = (scope: Scope, budget: Budget) => unknown;

type Data = Record<PropertyKey, unknown>;

const hasOwn = Object.hasOwn;

// Inside a `?.` chain a nullish link returns this marker; the chain turns it into undefined.
const shortCircuit: unique symbol = Symbol('short-circuit');

/**
 * Turns a syntax tree into nested closures; nothing from the text is ever run as code. `source`
 * is the original field text, used for error messages.
 */
export function compileNode(node: Node, source: string, inChain = false): Evaluator {
  switch (node.type) {
    case 'Literal': {
      const { value } = node;
      return () => value;
    }
    case 'Identifier': {
      const { name } = node;
      return (scope) => (hasOwn(scope, name) ? scope[name] : undefined);
    }
    case 'Member':
      return compileMember(node, source, inChain);
    case 'Index':
      return compileIndex(node, source, inChain);
    case 'Chain': {
      const inner = compileNode(node.expression, source, true);
      return (scope, budget) => {
        const value = inner(scope, budget);
        return value === shortCircuit ? undefined : value;
      };
    }
    case 'Call':
      return compileCall(node, source);
    case 'Unary':
      return compileUnary(node, compileNode(node.argument, source), source);
    case 'Binary':
    case 'Logical':
      return compileInfix(node, source);
    case 'Conditional': {
      const test = compileNode(node.test, source);
      const consequent = compileNode(node.consequent, source);
      const alternate = compileNode(node.alternate, source);
      return (scope, budget) => (test(scope, budget) ? consequent(scope, budget) : alternate(scope, budget));
    }
    case 'Array': {
      const items = node.elements.map((element) => compileNode(element, source));
      return (scope, budget) => {
        const out = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) out[i] = (items[i] as Evaluator)(scope, budget);
        return out;
      };
    }
    case 'Object': {
      // Keys are fixed by the parser, which refuses __proto__, so plain assignment cannot reach a prototype.
      const keys = node.properties.map((property) => property.key);
      const values = node.properties.map((property) => compileNode(property.value, source));
      return (scope, budget) => {
        const out: Data = {};
        for (let i = 0; i < keys.length; i++) out[keys[i] as string] = (values[i] as Evaluator)(scope, budget);
        return out;
      };
    }
    case 'Template':
      return compileParts(node.quasis, node.expressions, source);
  }
}

/** Text pieces and the values between them, joined as text (backtick literals and field templates). */
export function compileParts(quasis: readonly string[], expressions: readonly Node[], source: string): Evaluator {
  const parts = expressions.map((expression) => compileNode(expression, source));
  const positions = expressions.map((expression) => expression.start);
  const texts = quasis.slice(1);
  const first = quasis[0] ?? '';
  const count = parts.length;
  return (scope, budget) => {
    let out = first;
    for (let i = 0; i < count; i++) {
      const position = positions[i] as number;
      const piece = textAt((parts[i] as Evaluator)(scope, budget), source, position, budget) + (texts[i] as string);
      try {
        budget.checkLength(out.length + piece.length);
        budget.spend(piece.length);
      } catch (error) {
        throw failureAt(error, source, position);
      }
      out += piece;
    }
    return out;
  };
}

/**
 * An infix operator and every infix operator down its left side, as one chain evaluated in a loop,
 * so neither compiling nor evaluating `a + a + … + a` recurses once per operator.
 */
function compileInfix(node: Binary | Logical, source: string): Evaluator {
  const spine: (Binary | Logical)[] = [];
  let first: Node = node;
  while (first.type === 'Binary' || first.type === 'Logical') {
    spine.push(first);
    first = first.left;
  }
  const links: Link[] = spine.reverse().map((link) => {
    const right = compileNode(link.right, source);
    return link.type === 'Binary' ? binaryLink(link, right, source) : logicalLink(link, right);
  });
  return compileChain(compileNode(first, source), links);
}

function compileMember(node: Member, source: string, inChain: boolean): Evaluator {
  const { name, optional } = node;
  const cannotRead = (object: unknown) =>
    expressionError(source, node.nameStart, `Cannot read "${name}" of ${String(object)}`, {
      hint: `${JSON.stringify(source.slice(node.object.start, node.object.end))} is ${String(object)}; write "?.${name}" if it may be missing`,
    });
  if (node.object.type === 'Identifier' && !inChain) {
    // The common `allValues.clientName`: one closure instead of two.
    const root = node.object.name;
    return (scope) => {
      const object = hasOwn(scope, root) ? scope[root] : undefined;
      if (object === null || object === undefined) throw cannotRead(object);
      return hasOwn(object, name) ? (object as Data)[name] : undefined;
    };
  }
  const read = compileNode(node.object, source, inChain);
  return (scope, budget) => {
    const object = read(scope, budget);
    if (object === null || object === undefined) {
      if (optional) return shortCircuit;
      throw cannotRead(object);
    }
    if (object === shortCircuit) return shortCircuit;
    return hasOwn(object, name) ? (object as Data)[name] : undefined;
  };
}

function compileIndex(node: Index, source: string, inChain: boolean): Evaluator {
  const read = compileNode(node.object, source, inChain);
  const index = compileNode(node.index, source);
  const { optional } = node;
  const written = source.slice(node.index.start, node.index.end);
  return (scope, budget) => {
    const object = read(scope, budget);
    if (object === null || object === undefined) {
      if (optional) return shortCircuit;
      throw expressionError(source, node.index.start, `Cannot read [${written}] of ${String(object)}`, {
        hint: `${JSON.stringify(source.slice(node.object.start, node.object.end))} is ${String(object)}; write "?.[…]" if it may be missing`,
      });
    }
    if (object === shortCircuit) return shortCircuit;
    const key = index(scope, budget);
    if (typeof key === 'string') {
      if (forbiddenKeys.has(key)) {
        throw expressionError(source, node.index.start, `"${key}" cannot be read`, { hint: "only the data's own properties are available" });
      }
    } else if (typeof key !== 'number') {
      throw expressionError(source, node.index.start, `A property name must be a string or a number, not ${key === null ? 'null' : typeof key}`);
    }
    return hasOwn(object, key) ? (object as Data)[key] : undefined;
  };
}

function compileCall(node: Call, source: string): Evaluator {
  const { callee } = node;
  const helper = hasOwn(helpers, callee) ? helpers[callee] : undefined;
  const signature = hasOwn(helperSignatures, callee) ? helperSignatures[callee] : undefined;
  if (helper === undefined || signature === undefined) {
    throw expressionError(source, node.start, `"${callee}" is not a helper function`, {
      hint: `only these can be called: ${Object.keys(helpers).join(', ')}`,
    });
  }
  const count = node.args.length;
  if (count < signature.min || count > signature.max) {
    const expected = signature.min === signature.max ? `${signature.min}` : `${signature.min} to ${signature.max}`;
    throw expressionError(source, node.start, `${callee} takes ${expected} argument${signature.max === 1 ? '' : 's'}, not ${count}`, {
      hint: `usage: ${signature.usage}`,
    });
  }
  const args = node.args.map((arg) => compileNode(arg, source));
  const failed = (error: unknown) => failureAt(error, source, node.start, { helper: callee });
  const [a, b] = args;
  if (count === 1 && a !== undefined) {
    return (scope, budget) => {
      const first = a(scope, budget);
      try {
        return helper(budget, first);
      } catch (error) {
        throw failed(error);
      }
    };
  }
  if (count === 2 && a !== undefined && b !== undefined) {
    return (scope, budget) => {
      const first = a(scope, budget);
      const second = b(scope, budget);
      try {
        return helper(budget, first, second);
      } catch (error) {
        throw failed(error);
      }
    };
  }
  return (scope, budget) => {
    const values = args.map((arg) => arg(scope, budget));
    try {
      return helper(budget, ...values);
    } catch (error) {
      throw failed(error);
    }
  };
}
