import { ConnectorError } from '../domain/errors.js';
import { failureAt } from './failure.js';

/**
 * How a value reads inside text — the one rule templates and the string helpers share:
 * null and undefined read as "" (missing data leaves a gap, not the word "undefined"), strings as
 * they are, numbers and booleans via String, Dates as ISO 8601, objects and arrays as JSON.
 *
 * @example toText(undefined) // → ''
 * @example toText([{ title: 'Invoice' }]) // → '[{"title":"Invoice"}]'
 */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value instanceof Date ? dateToText(value) : jsonText(value);
    default:
      return '';
  }
}

/** `toText` for a value produced at `position` of `source`, so a failure points at it. */
export function textAt(value: unknown, source: string, position: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return '';
  try {
    return toText(value);
  } catch (error) {
    throw failureAt(error, source, position);
  }
}

function dateToText(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new ConnectorError('EXPRESSION_ERROR', 'An invalid date cannot be shown as text');
  return date.toISOString();
}

function jsonText(value: object): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    throw new ConnectorError('EXPRESSION_ERROR', 'This value cannot be shown as text (it refers to itself or holds a BigInt)', undefined, { cause: error });
  }
}
