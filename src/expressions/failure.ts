import { ConnectorError } from '../domain/errors.js';

/** The longest field text a designer may write; longer text is refused before it is read. */
export const maxSourceLength = 10_000;

/** How deeply expressions may nest before they are refused (instead of overflowing the stack). */
export const maxNestingDepth = 64;

/**
 * The one way this folder reports a problem: EXPRESSION_ERROR naming the field text and the
 * 0-based offset into it, in words a process designer can act on.
 *
 * @example expressionError('allValues.a = 1', 12, 'Unexpected "="', { hint: 'assignment is not allowed' })
 * // → 'Unexpected "=" at position 12 in "allValues.a = 1": assignment is not allowed'
 */
export function expressionError(source: string, position: number, problem: string, more: ErrorExtras = {}): ConnectorError {
  const hint = more.hint === undefined ? '' : `: ${more.hint}`;
  return new ConnectorError(
    'EXPRESSION_ERROR',
    `${problem} at position ${position} in ${excerpt(source, position)}${hint}`,
    { ...more.details, expression: source, position },
    more.cause === undefined ? undefined : { cause: more.cause },
  );
}

export interface ErrorExtras {
  /** Advice appended after the position, e.g. "assignment is not allowed". */
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Attaches a position to a failure that happened while evaluating (a helper refusing its
 * arguments, a value that cannot be turned into text). Failures that already carry a position
 * pass through unchanged, so the innermost node wins.
 */
export function failureAt(error: unknown, source: string, position: number, details?: Record<string, unknown>): ConnectorError {
  if (error instanceof ConnectorError && error.code === 'EXPRESSION_ERROR' && typeof error.details?.position === 'number') {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  const extra = error instanceof ConnectorError ? { ...error.details, ...details } : details;
  return expressionError(source, position, message, { details: extra, cause: error });
}

/** Short texts are quoted whole; long ones as a window around the position. */
function excerpt(source: string, position: number): string {
  const radius = 40;
  if (source.length <= radius * 2 + 20) return JSON.stringify(source);
  const from = Math.max(0, position - radius);
  const to = Math.min(source.length, position + radius);
  return `${from > 0 ? '…' : ''}${JSON.stringify(source.slice(from, to))}${to < source.length ? '…' : ''}`;
}

/** Quotes a value the way messages show it: strings in quotes, others as JS would print them. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}
