import { expressionError, maxNestingDepth } from './failure.js';

/**
 * Tokens of one expression. Offsets are into the original field text. A backtick literal is a
 * single token holding its cooked text pieces and, for each `${…}`, that placeholder's tokens.
 */
export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly start: number; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'name'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'punct'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'template'; readonly quasis: readonly string[]; readonly parts: readonly Placeholder[]; readonly start: number; readonly end: number }
  | { readonly kind: 'end'; readonly start: number; readonly end: number };

/** One `${…}` of a backtick literal: where its `${` sits, and its tokens. */
export interface Placeholder {
  readonly open: number;
  readonly tokens: readonly Token[];
}

// Operators the language refuses are still recognised whole, so the parser can name them.
const punctuators: ReadonlySet<string> = new Set([
  '>>>=', '...', '===', '!==', '**=', '&&=', '||=', '??=', '<<=', '>>=', '>>>',
  '?.', '??', '==', '!=', '<=', '>=', '**', '&&', '||', '=>', '++', '--', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '<<', '>>',
  '(', ')', '[', ']', '{', '}', '.', ',', ':', '?', '!', '+', '-', '*', '/', '%', '<', '>', '=', '&', '|', '^', '~', ';',
]);

const identifierStart = /[\p{ID_Start}$_]/u;
const identifierPart = /[\p{ID_Continue}$\u200C\u200D]/u;

/** Splits a whole bare expression into tokens, ending with an `end` token. */
export function tokenize(source: string): Token[] {
  return new Lexer(source, 0).readTokens(-1);
}

/**
 * Reads the tokens of a `${…}` placeholder whose `${` sits at `open`, up to the `}` that closes it
 * (braces of object literals and nested templates are balanced). Returns where the text resumes.
 */
export function tokenizePlaceholder(source: string, open: number): { tokens: Token[]; resume: number } {
  const lexer = new Lexer(source, open + 2);
  const tokens = lexer.readTokens(open);
  return { tokens, resume: lexer.pos };
}

class Lexer {
  private templateDepth = 0;

  constructor(
    private readonly source: string,
    public pos: number,
  ) {}

  /** Reads up to the end of text, or with `open >= 0` up to the unmatched `}` of that placeholder. */
  readTokens(open: number): Token[] {
    const { source } = this;
    const tokens: Token[] = [];
    let braces = 0;
    for (;;) {
      this.skipSpace();
      const start = this.pos;
      if (start >= source.length) {
        if (open >= 0) throw expressionError(source, open, 'Unterminated "${"', { hint: 'a "}" is missing' });
        tokens.push({ kind: 'end', start, end: start });
        return tokens;
      }
      const char = source[start];
      if (open >= 0 && char === '}' && braces === 0) {
        tokens.push({ kind: 'end', start, end: start });
        this.pos = start + 1;
        return tokens;
      }
      const token = this.readToken();
      if (token.kind === 'punct') {
        if (token.value === '{') braces++;
        else if (token.value === '}') braces--;
      }
      tokens.push(token);
    }
  }

  private skipSpace(): void {
    const { source } = this;
    while (this.pos < source.length && /\s/.test(source[this.pos] ?? '')) this.pos++;
  }

  private readToken(): Token {
    const { source } = this;
    const start = this.pos;
    const char = source[start] ?? '';
    const next = source[start + 1] ?? '';
    if (isDigit(char) || (char === '.' && isDigit(next))) return this.readNumber();
    if (char === '"' || char === "'") return this.readString(char);
    if (char === '`') return this.readTemplate();
    const codePoint = String.fromCodePoint(source.codePointAt(start) ?? 0);
    if (identifierStart.test(codePoint)) return this.readName();
    for (let length = 4; length > 0; length--) {
      const candidate = source.slice(start, start + length);
      if (candidate.length === length && punctuators.has(candidate)) {
        // `a?.5:1` is a ternary, not optional chaining.
        if (candidate === '?.' && isDigit(source[start + 2] ?? '')) continue;
        this.pos = start + length;
        return { kind: 'punct', value: candidate, start, end: this.pos };
      }
    }
    throw expressionError(source, start, `Unexpected character ${JSON.stringify(codePoint)}`);
  }

  private readNumber(): Token {
    const { source } = this;
    const start = this.pos;
    const prefix = source.slice(start, start + 2).toLowerCase();
    if (prefix === '0x' || prefix === '0b' || prefix === '0o') {
      this.pos += 2;
      while (/[0-9a-f]/i.test(source[this.pos] ?? '')) this.pos++;
    } else {
      this.skipDigits();
      if (source[this.pos] === '.') {
        this.pos++;
        this.skipDigits();
      }
      if (source[this.pos] === 'e' || source[this.pos] === 'E') {
        this.pos++;
        if (source[this.pos] === '+' || source[this.pos] === '-') this.pos++;
        if (!isDigit(source[this.pos] ?? '')) throw expressionError(source, start, 'Invalid number', { hint: 'the exponent has no digits' });
        this.skipDigits();
      }
    }
    const text = source.slice(start, this.pos);
    const value = Number(text);
    const after = source[this.pos] ?? '';
    if (Number.isNaN(value) || identifierPart.test(after)) {
      throw expressionError(source, start, `Invalid number ${JSON.stringify(text + after)}`);
    }
    return { kind: 'number', value, start, end: this.pos };
  }

  private skipDigits(): void {
    while (isDigit(this.source[this.pos] ?? '')) this.pos++;
  }

  private readString(quote: string): Token {
    const { source } = this;
    const start = this.pos++;
    let value = '';
    for (;;) {
      const char = source[this.pos];
      if (char === undefined || char === '\n' || char === '\r') {
        throw expressionError(source, start, 'Unterminated string', { hint: `a closing ${quote} is missing` });
      }
      this.pos++;
      if (char === quote) return { kind: 'string', value, start, end: this.pos };
      value += char === '\\' ? this.readEscape(start) : char;
    }
  }

  private readTemplate(): Token {
    const { source } = this;
    const start = this.pos++;
    if (++this.templateDepth > maxNestingDepth) {
      throw expressionError(source, start, 'Template literals are nested too deeply', { hint: `at most ${maxNestingDepth} levels` });
    }
    const quasis: string[] = [];
    const parts: Placeholder[] = [];
    let cooked = '';
    for (;;) {
      const char = source[this.pos];
      if (char === undefined) throw expressionError(source, start, 'Unterminated template literal', { hint: 'a closing ` is missing' });
      if (char === '`') break;
      if (char === '$' && source[this.pos + 1] === '{') {
        quasis.push(cooked);
        cooked = '';
        const open = this.pos;
        this.pos += 2;
        parts.push({ open, tokens: this.readTokens(open) });
        continue;
      }
      this.pos++;
      cooked += char === '\\' ? this.readEscape(start) : char;
    }
    this.pos++;
    quasis.push(cooked);
    this.templateDepth--;
    return { kind: 'template', quasis, parts, start, end: this.pos };
  }

  /** Reads the escape after a backslash (already consumed); `literalStart` is for errors. */
  private readEscape(literalStart: number): string {
    const { source } = this;
    const at = this.pos - 1;
    const char = source[this.pos++];
    switch (char) {
      case undefined: throw expressionError(source, literalStart, 'Unterminated string');
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'x': return String.fromCharCode(this.readHex(at, 2));
      case 'u': return this.readUnicodeEscape(at);
      case '\r':
        if (source[this.pos] === '\n') this.pos++;
        return '';
      case '\n': case '\u2028': case '\u2029': return '';
      default:
        if (char === '0' && !isDigit(source[this.pos] ?? '')) return '\0';
        if (isDigit(char)) throw expressionError(source, at, 'Octal escapes are not allowed');
        return char;
    }
  }

  private readUnicodeEscape(at: number): string {
    const { source } = this;
    if (source[this.pos] !== '{') return String.fromCharCode(this.readHex(at, 4));
    const close = source.indexOf('}', this.pos);
    const digits = close < 0 ? '' : source.slice(this.pos + 1, close);
    const codePoint = /^[0-9a-f]{1,6}$/i.test(digits) ? parseInt(digits, 16) : NaN;
    if (!(codePoint <= 0x10ffff)) throw expressionError(source, at, 'Invalid Unicode escape');
    this.pos = close + 1;
    return String.fromCodePoint(codePoint);
  }

  private readHex(at: number, length: number): number {
    const digits = this.source.slice(this.pos, this.pos + length);
    if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) {
      throw expressionError(this.source, at, length === 2 ? 'Invalid \\x escape' : 'Invalid Unicode escape');
    }
    this.pos += length;
    return parseInt(digits, 16);
  }

  private readName(): Token {
    const { source } = this;
    const start = this.pos;
    for (;;) {
      const codePoint = source.codePointAt(this.pos);
      if (codePoint === undefined) break;
      const char = String.fromCodePoint(codePoint);
      if (!identifierPart.test(char)) break;
      this.pos += char.length;
    }
    return { kind: 'name', value: source.slice(start, this.pos), start, end: this.pos };
  }
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9' && char.length === 1;
}
