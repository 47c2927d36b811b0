import { ConnectorError } from '../domain/errors.js';
import { Budget } from './budget.js';
import { failureAt } from './failure.js';
import { measureData } from './measure.js';

/**
 * How a value reads inside text — the one rule templates and the string helpers share:
 * null and undefined read as "" (missing data leaves a gap, not the word "undefined"), strings as
 * they are, numbers and booleans via String, Dates as ISO 8601, objects and arrays as JSON.
 * Objects are measured first, so data too large or too deep for the budget is refused unbuilt.
 *
 * @example toText(undefined) // → ''
 * @example toText([{ title: 'Invoice' }]) // → '[{"title":"Invoice"}]'
 */
export function toText(value: unknown, budget: Budget = new Budget()): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value instanceof Date ? dateToText(value) : jsonText(value, budget);
    default:
      return '';
  }
}

/** `toText` for a value produced at `position` of `source`, so a failure points at it. */
export function textAt(value: unknown, source: string, position: number, budget: Budget): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return '';
  try {
    return toText(value, budget);
  } catch (error) {
    throw failureAt(error, source, position);
  }
}

function dateToText(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new ConnectorError('EXPRESSION_ERROR', 'An invalid date cannot be shown as text');
  return date.toISOString();
}

function jsonText(value: object, budget: Budget): string {
  measureData(value, budget);
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch (error) {
    // measureData refuses cycles, BigInts and deep data; what is left is data's own toJSON failing.
    throw new ConnectorError('EXPRESSION_ERROR', 'This value cannot be shown as text', undefined, { cause: error });
  }
  // Escapes can make the text longer than measured.
  budget.checkLength(text.length);
  return text;
}
