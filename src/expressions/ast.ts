/**
 * The syntax tree of one expression. Every node knows where it came from: `start` and `end` are
 * 0-based offsets into the ORIGINAL field text (for a template, the whole template), so errors
 * found while compiling or evaluating point at the exact spot the designer wrote.
 */
export type Node =
  | Literal
  | Identifier
  | Member
  | Index
  | Chain
  | Call
  | Unary
  | Binary
  | Logical
  | Conditional
  | ArrayLiteral
  | ObjectLiteral
  | TemplateLiteral;

interface Span {
  readonly start: number;
  readonly end: number;
}

export type LiteralValue = string | number | boolean | null | undefined;

export interface Literal extends Span {
  readonly type: 'Literal';
  readonly value: LiteralValue;
}

/** A root name, looked up in the data scope only. */
export interface Identifier extends Span {
  readonly type: 'Identifier';
  readonly name: string;
}

/** `object.name` or `object?.name`; `nameStart` is where the property name is written. */
export interface Member extends Span {
  readonly type: 'Member';
  readonly object: Node;
  readonly name: string;
  readonly nameStart: number;
  readonly optional: boolean;
}

/** `object[index]` or `object?.[index]`; the key is checked when evaluated. */
export interface Index extends Span {
  readonly type: 'Index';
  readonly object: Node;
  readonly index: Node;
  readonly optional: boolean;
}

/** A member chain with at least one `?.`: a nullish link ends the whole chain as undefined. */
export interface Chain extends Span {
  readonly type: 'Chain';
  readonly expression: Node;
}

/** A call of a whitelisted helper, by name. */
export interface Call extends Span {
  readonly type: 'Call';
  readonly callee: string;
  readonly args: readonly Node[];
}

export type UnaryOperator = '!' | '-' | '+' | 'typeof';

export interface Unary extends Span {
  readonly type: 'Unary';
  readonly operator: UnaryOperator;
  readonly argument: Node;
}

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | '**'
  | '==' | '!=' | '===' | '!==' | '<' | '>' | '<=' | '>=';

export interface Binary extends Span {
  readonly type: 'Binary';
  readonly operator: BinaryOperator;
  readonly left: Node;
  readonly right: Node;
}

export type LogicalOperator = '&&' | '||' | '??';

export interface Logical extends Span {
  readonly type: 'Logical';
  readonly operator: LogicalOperator;
  readonly left: Node;
  readonly right: Node;
}

export interface Conditional extends Span {
  readonly type: 'Conditional';
  readonly test: Node;
  readonly consequent: Node;
  readonly alternate: Node;
}

export interface ArrayLiteral extends Span {
  readonly type: 'Array';
  readonly elements: readonly Node[];
}

export interface Property {
  readonly key: string;
  readonly keyStart: number;
  readonly value: Node;
}

export interface ObjectLiteral extends Span {
  readonly type: 'Object';
  readonly properties: readonly Property[];
}

/** A backtick literal inside an expression: `quasis.length === expressions.length + 1`. */
export interface TemplateLiteral extends Span {
  readonly type: 'Template';
  readonly quasis: readonly string[];
  readonly expressions: readonly Node[];
}

/** Names refused wherever they appear as a root identifier: they could reach the host. */
export const forbiddenNames: ReadonlySet<string> = new Set([
  'this', 'globalThis', 'global', 'window', 'self', 'process', 'require', 'module', 'exports',
  'import', 'eval', 'Function', 'arguments', 'constructor', '__proto__', 'prototype',
]);

/** Property names refused after `.`, inside `[…]` and as object literal keys. */
export const forbiddenKeys: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);
