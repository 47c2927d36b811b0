import { Budget } from './budget.js';
import { formatDate } from './dates.js';
import { describe } from './failure.js';
import { defaultLocale, helperError, numberFormat, pickNumberOptions } from './intl.js';
import { toText } from './text.js';

/** A helper gets the evaluation's budget first, then the expression's arguments. */
export type Helper = (budget: Budget, ...args: unknown[]) => unknown;

/**
 * Formats a number for people with Intl.NumberFormat (formatters are cached).
 * `value` is a number or a numeric string; null, undefined and "" give "".
 * `options` are Intl.NumberFormat options; `locale` defaults to "ru-RU".
 *
 * @example formatNumber(1234.5, { style: "currency", currency: "RUB" }) // → "1 234,50 ₽"
 */
export function formatNumber(value?: unknown, options?: unknown, locale?: unknown): string {
  const number = toNumber('formatNumber', value);
  if (number === undefined) return '';
  if (locale !== undefined && locale !== null && typeof locale !== 'string') {
    throw helperError('formatNumber', `the locale must be a string such as "ru-RU", not ${describe(locale)}`);
  }
  return numberFormat('formatNumber', locale ?? defaultLocale, pickNumberOptions('formatNumber', options)).format(number);
}

/** The value as a number: numbers as they are, numeric strings (a decimal comma is allowed) parsed; missing → undefined. */
export function number(value?: unknown): number | undefined {
  return toNumber('number', value);
}

function toNumber(helper: string, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    const parsed = Number(/^[+-]?\d+,\d+$/.test(text) ? text.replace(',', '.') : text);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw helperError(helper, `${describe(value)} is not a number`);
}

/** `value`, or `fallback` when value is null, undefined or "". */
function fallbackTo(value?: unknown, fallback?: unknown): unknown {
  return value === null || value === undefined || value === '' ? fallback : value;
}

/**
 * The items of an array as text, between `separator` (default ", "); missing → "". The length of
 * the result is known before it is joined, so a join too long for the budget never happens.
 */
export function join(list?: unknown, separator?: unknown, budget: Budget = new Budget()): string {
  if (list === null || list === undefined) return '';
  if (!Array.isArray(list)) throw helperError('join', `${describe(list)} is not an array`);
  const between = separator === undefined || separator === null ? ', ' : toText(separator, budget);
  budget.spend(list.length);
  const items: string[] = [];
  let length = between.length * Math.max(0, list.length - 1);
  budget.checkLength(length);
  for (const item of list as unknown[]) {
    const text = toText(item, budget);
    length += text.length;
    budget.checkLength(length);
    items.push(text);
  }
  budget.allowText(length);
  return items.join(between);
}

/** Changes a text whose length the change may at most triple (upper-casing "ß" gives "SS"). */
function changeText(budget: Budget, value: unknown, change: (text: string) => string): string {
  const text = toText(value, budget);
  budget.allowText(text.length);
  const changed = change(text);
  if (changed.length > text.length) budget.checkLength(changed.length);
  return changed;
}

/** Characters of a string, items of an array, keys of an object; missing → 0. */
export function length(value?: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value === null || value === undefined) return 0;
  if (typeof value === 'object' && !(value instanceof Date)) return Object.keys(value).length;
  throw helperError('length', `${describe(value)} has no length`);
}

/**
 * The whitelist: the only functions an expression can call, by name. Frozen, with no prototype,
 * so neither a lookup nor a later assignment can reach anything else.
 */
export const helpers: Readonly<Record<string, Helper>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, Helper>, {
    formatDate: (budget: Budget, value?: unknown, format?: unknown, timeZone?: unknown, locale?: unknown) => {
      // A pattern letter gives at most a few characters, so the pattern's length bounds the result.
      if (typeof format === 'string') budget.allowText(format.length);
      return formatDate(value, format, timeZone, locale);
    },
    formatNumber: (_, value?: unknown, options?: unknown, locale?: unknown) => formatNumber(value, options, locale),
    upper: (budget: Budget, value?: unknown) => changeText(budget, value, (text) => text.toUpperCase()),
    lower: (budget: Budget, value?: unknown) => changeText(budget, value, (text) => text.toLowerCase()),
    trim: (budget: Budget, value?: unknown) => changeText(budget, value, (text) => text.trim()),
    join: (budget: Budget, list?: unknown, separator?: unknown) => join(list, separator, budget),
    default: (_, value?: unknown, fallback?: unknown) => fallbackTo(value, fallback),
    number: (_, value?: unknown) => number(value),
    string: (budget: Budget, value?: unknown) => toText(value, budget),
    length: (_, value?: unknown) => length(value),
  } satisfies Record<string, Helper>),
);

/** How each helper is called, for compile-time argument checks and error hints. */
export const helperSignatures: Readonly<Record<string, { readonly min: number; readonly max: number; readonly usage: string }>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, { min: number; max: number; usage: string }>, {
    formatDate: { min: 1, max: 4, usage: 'formatDate(value, format?, timeZone?, locale?)' },
    formatNumber: { min: 1, max: 3, usage: 'formatNumber(value, options?, locale?)' },
    upper: { min: 1, max: 1, usage: 'upper(text)' },
    lower: { min: 1, max: 1, usage: 'lower(text)' },
    trim: { min: 1, max: 1, usage: 'trim(text)' },
    join: { min: 1, max: 2, usage: 'join(array, separator?)' },
    default: { min: 2, max: 2, usage: 'default(value, fallback)' },
    number: { min: 1, max: 1, usage: 'number(value)' },
    string: { min: 1, max: 1, usage: 'string(value)' },
    length: { min: 1, max: 1, usage: 'length(value)' },
  }),
);
