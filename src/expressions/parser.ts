import { forbiddenKeys, forbiddenNames } from './ast.js';
import type { BinaryOperator, LogicalOperator, Node, Property } from './ast.js';
import { expressionError, maxNestingDepth, maxSourceLength } from './failure.js';
import { tokenize } from './tokenizer.js';
import type { Token } from './tokenizer.js';
import { literalWords, refusedPunctuators, refusedWords } from './vocabulary.js';

/**
 * Parses a bare expression (a field such as `allValues.clientPhone`) into its syntax tree.
 *
 * @example parseExpression('allValues.total * 2') // → { type: 'Binary', operator: '*', … }
 */
export function parseExpression(source: string): Node {
  checkLength(source);
  return new Parser(source, tokenize(source), 0).parseWhole();
}

/** Parses the tokens of one `${…}` placeholder whose `${` sits at `open`. */
export function parsePlaceholder(source: string, tokens: readonly Token[], open: number, depth = 0): Node {
  if (tokens[0]?.kind === 'end') throw expressionError(source, open, 'Empty "${}"', { hint: 'write an expression inside' });
  return new Parser(source, tokens, depth).parseWhole();
}

export function checkLength(source: string): void {
  if (source.length > maxSourceLength) {
    throw expressionError(source, maxSourceLength, `Text is too long (${source.length} characters)`, {
      hint: `at most ${maxSourceLength} characters are allowed`,
    });
  }
}

// Binding power of each infix operator; `??` sits apart from `||`/`&&` so mixing them is caught.
const precedence: Readonly<Record<string, number>> = {
  '??': 1, '||': 2, '&&': 3,
  '==': 4, '!=': 4, '===': 4, '!==': 4,
  '<': 5, '>': 5, '<=': 5, '>=': 5,
  '+': 6, '-': 6, '*': 7, '/': 7, '%': 7, '**': 8,
};

const onlyData = 'expressions read only the data they are given and call helper functions';

class Parser {
  private index = 0;
  private readonly grouped = new WeakSet<Node>();

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private depth: number,
  ) {
    const refused = tokens.find((token) => token.kind === 'punct' && Object.hasOwn(refusedPunctuators, token.value));
    if (refused !== undefined) throw this.unexpected(refused, refusedPunctuators[(refused as { value: string }).value]);
  }

  parseWhole(): Node {
    const node = this.parseExpression();
    const next = this.peek();
    if (next.kind !== 'end') {
      throw this.unexpected(next, next.kind === 'punct' && next.value === ',' ? 'comma sequences are not allowed' : undefined);
    }
    return node;
  }

  private parseExpression(): Node {
    this.enter();
    const test = this.parseBinary(0);
    let node = test;
    if (this.eat('?')) {
      const consequent = this.parseExpression();
      this.expect(':');
      const alternate = this.parseExpression();
      node = { type: 'Conditional', test, consequent, alternate, start: test.start, end: alternate.end };
    }
    this.depth--;
    return node;
  }

  private parseBinary(minimum: number): Node {
    let left = this.parseUnary();
    let levels = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'name' && Object.hasOwn(refusedWords, token.value)) throw this.unexpected(token, refusedWords[token.value]);
      if (token.kind !== 'punct') break;
      const power = precedence[token.value];
      if (power === undefined || power <= minimum) break;
      this.index++;
      if (token.value === '**' && left.type === 'Unary' && !this.grouped.has(left)) {
        throw this.unexpected(token, 'wrap the unary operand of "**" in parentheses');
      }
      // A flat chain `a + b + c` loops here and is not nesting; only the right-associative "**"
      // recurses once per operator, so only it counts against the depth.
      const rightAssociative = token.value === '**';
      if (rightAssociative) {
        this.enter();
        levels++;
      }
      const right = this.parseBinary(rightAssociative ? power - 1 : power);
      if (token.value === '??' || token.value === '||' || token.value === '&&') {
        this.refuseMixedCoalescing(token, left, right);
        left = { type: 'Logical', operator: token.value as LogicalOperator, left, right, start: left.start, end: right.end };
      } else {
        left = { type: 'Binary', operator: token.value as BinaryOperator, left, right, start: left.start, end: right.end };
      }
    }
    this.depth -= levels;
    return left;
  }

  private refuseMixedCoalescing(token: Token & { value: string }, left: Node, right: Node): void {
    const clash = (node: Node): boolean =>
      node.type === 'Logical' && !this.grouped.has(node) && (node.operator === '??') !== (token.value === '??');
    if (clash(left) || clash(right)) throw this.unexpected(token, 'use parentheses when mixing "??" with "||" or "&&"');
  }

  private parseUnary(): Node {
    const token = this.peek();
    const isOperator = token.kind === 'punct' && (token.value === '!' || token.value === '-' || token.value === '+');
    if (isOperator || (token.kind === 'name' && token.value === 'typeof')) {
      this.index++;
      this.enter();
      const argument = this.parseUnary();
      this.depth--;
      const operator = (token as { value: '!' | '-' | '+' | 'typeof' }).value;
      return { type: 'Unary', operator, argument, start: token.start, end: argument.end };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    let node = this.parsePrimary();
    let chained = false;
    let levels = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct') break;
      if (token.value === '.' || token.value === '?.') {
        this.index++;
        const optional = token.value === '?.';
        chained ||= optional;
        if (optional && this.eat('(')) throw this.unexpected(token, 'only helper functions can be called, by name');
        if (optional && this.eat('[')) {
          node = this.finishIndex(node, true);
        } else {
          const name = this.advance();
          if (name.kind !== 'name') throw this.unexpected(name);
          if (forbiddenKeys.has(name.value)) throw this.refusedKey(name.value, name.start);
          node = { type: 'Member', object: node, name: name.value, nameStart: name.start, optional, start: node.start, end: name.end };
        }
      } else if (token.value === '[') {
        this.index++;
        node = this.finishIndex(node, false);
      } else if (token.value === '(') {
        if (node.type !== 'Identifier' || this.grouped.has(node) || chained) {
          const callee = this.source.slice(node.start, node.end);
          throw expressionError(this.source, node.start, `Cannot call ${JSON.stringify(callee)}`, { hint: 'only helper functions can be called, by name' });
        }
        this.index++;
        const args = this.parseList(')');
        node = { type: 'Call', callee: node.name, args, start: node.start, end: this.previousEnd() };
      } else {
        break;
      }
      this.enter();
      levels++;
    }
    this.depth -= levels;
    return chained ? { type: 'Chain', expression: node, start: node.start, end: node.end } : node;
  }

  private finishIndex(object: Node, optional: boolean): Node {
    const index = this.parseExpression();
    this.expect(']');
    if (index.type === 'Literal' && typeof index.value === 'string' && forbiddenKeys.has(index.value)) {
      throw this.refusedKey(index.value, index.start);
    }
    return { type: 'Index', object, index, optional, start: object.start, end: this.previousEnd() };
  }

  private parsePrimary(): Node {
    const token = this.advance();
    const { start, end } = token;
    switch (token.kind) {
      case 'number':
      case 'string':
        return { type: 'Literal', value: token.value, start, end };
      case 'template': {
        const expressions = token.parts.map((part) => parsePlaceholder(this.source, part.tokens, part.open, this.depth + 1));
        return { type: 'Template', quasis: token.quasis, expressions, start, end };
      }
      case 'name':
        return this.nameToNode(token.value, start, end);
      case 'punct':
        if (token.value === '(') {
          const inner = this.parseExpression();
          this.expect(')');
          this.grouped.add(inner);
          return inner;
        }
        if (token.value === '[') return { type: 'Array', elements: this.parseList(']'), start, end: this.previousEnd() };
        if (token.value === '{') return this.parseObject(start);
        throw this.unexpected(token, token.value === '/' ? 'regular expressions are not supported' : undefined);
      case 'end':
        throw this.unexpected(token);
    }
  }

  private nameToNode(name: string, start: number, end: number): Node {
    if (literalWords.has(name)) return { type: 'Literal', value: literalWords.get(name), start, end };
    if (Object.hasOwn(refusedWords, name)) throw this.unexpected(this.tokens[this.index - 1] as Token, refusedWords[name]);
    if (forbiddenNames.has(name)) throw expressionError(this.source, start, `"${name}" is not available`, { hint: onlyData });
    return { type: 'Identifier', name, start, end };
  }

  private parseObject(start: number): Node {
    const properties: Property[] = [];
    while (!this.eat('}')) {
      const key = this.advance();
      if (key.kind === 'punct' && key.value === '[') throw this.unexpected(key, 'computed keys are not supported');
      if (key.kind !== 'name' && key.kind !== 'string' && key.kind !== 'number') throw this.unexpected(key);
      const name = String(key.value);
      if (forbiddenKeys.has(name)) throw expressionError(this.source, key.start, `"${name}" cannot be used as a key`, { hint: 'keys that touch prototypes are not allowed' });
      let value: Node;
      if (this.eat(':')) value = this.parseExpression();
      else if (key.kind === 'name') value = this.nameToNode(name, key.start, key.end);
      else throw this.unexpected(this.peek());
      properties.push({ key: name, keyStart: key.start, value });
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return { type: 'Object', properties, start, end: this.previousEnd() };
  }

  /** Comma-separated expressions up to `close`; a trailing comma is allowed, holes are not. */
  private parseList(close: string): Node[] {
    const items: Node[] = [];
    while (!this.eat(close)) {
      items.push(this.parseExpression());
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  private enter(): void {
    if (++this.depth > maxNestingDepth) {
      throw expressionError(this.source, this.peek().start, 'Expression is nested too deeply', { hint: `at most ${maxNestingDepth} levels` });
    }
  }

  private peek(): Token {
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private previousEnd(): number {
    return this.tokens[this.index - 1]?.end ?? 0;
  }

  private eat(value: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punct' || token.value !== value) return false;
    this.index++;
    return true;
  }

  private expect(value: string): void {
    if (!this.eat(value)) throw this.unexpected(this.peek(), `expected "${value}"`);
  }

  private unexpected(token: Token, hint?: string) {
    const what =
      token.kind === 'end' ? 'Unexpected end of expression'
      : token.kind === 'string' ? `Unexpected string ${JSON.stringify(token.value)}`
      : token.kind === 'template' ? 'Unexpected template literal'
      : `Unexpected ${token.kind === 'number' ? 'number ' : ''}"${this.source.slice(token.start, token.end)}"`;
    return expressionError(this.source, token.start, what, hint === undefined ? {} : { hint });
  }

  private refusedKey(key: string, position: number) {
    return expressionError(this.source, position, `"${key}" cannot be read`, { hint: 'only the data\'s own properties are available' });
  }
}
