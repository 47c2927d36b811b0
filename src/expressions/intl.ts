import { ConnectorError } from '../domain/errors.js';
import { describe } from './failure.js';
import { LruCache } from './lru.js';

/** Locale the formatting helpers use when the expression names none (the product speaks Russian). */
export const defaultLocale = 'ru-RU';

/** Time zone the date helper uses when the expression names none: UTC keeps results reproducible. */
export const defaultTimeZone = 'UTC';

// Intl formatters take tens of microseconds to create and are immutable, so each is made once.
const formatters = new LruCache<string, Intl.DateTimeFormat | Intl.NumberFormat>(256);

const dateOptionKeys: ReadonlySet<string> = new Set([
  'dateStyle', 'timeStyle', 'weekday', 'era', 'year', 'month', 'day', 'hour', 'minute', 'second',
  'fractionalSecondDigits', 'timeZoneName', 'hour12', 'hourCycle', 'dayPeriod', 'calendar', 'numberingSystem',
]);

const numberOptionKeys: ReadonlySet<string> = new Set([
  'style', 'currency', 'currencyDisplay', 'currencySign', 'unit', 'unitDisplay', 'notation', 'compactDisplay',
  'signDisplay', 'useGrouping', 'minimumIntegerDigits', 'minimumFractionDigits', 'maximumFractionDigits',
  'minimumSignificantDigits', 'maximumSignificantDigits', 'roundingMode', 'roundingPriority', 'roundingIncrement',
  'trailingZeroDisplay', 'numberingSystem',
]);

/** Options for Intl, copied key by key from the expression's object: own, known, primitive values only. */
export interface PickedOptions {
  readonly options: Record<string, string | number | boolean>;
  /** A canonical text of the options, part of the formatter cache key. */
  readonly key: string;
}

export function pickDateOptions(helper: string, value: unknown): PickedOptions {
  return pickOptions(helper, value, dateOptionKeys, 'the time zone is the third argument and the locale the fourth');
}

export function pickNumberOptions(helper: string, value: unknown): PickedOptions {
  return pickOptions(helper, value, numberOptionKeys, 'the locale is the third argument');
}

function pickOptions(helper: string, value: unknown, allowed: ReadonlySet<string>, placement: string): PickedOptions {
  if (value === undefined || value === null) return { options: Object.create(null) as Record<string, never>, key: '' };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw helperError(helper, `options must be an object such as { minimumFractionDigits: 2 }, not ${describe(value)}`);
  }
  const options = Object.create(null) as Record<string, string | number | boolean>;
  const keys = Object.keys(value).sort();
  for (const key of keys) {
    if (!allowed.has(key)) {
      const hint = key === 'timeZone' || key === 'locale' ? ` (${placement})` : '';
      throw helperError(helper, `unknown option ${JSON.stringify(key)}${hint}; known: ${[...allowed].join(', ')}`);
    }
    const option = (value as Record<string, unknown>)[key];
    if (typeof option !== 'string' && typeof option !== 'number' && typeof option !== 'boolean') {
      if (option === undefined) continue;
      throw helperError(helper, `option ${JSON.stringify(key)} must be a string, number or boolean, not ${describe(option)}`);
    }
    options[key] = option;
  }
  return { options, key: JSON.stringify(options) };
}

export function dateTimeFormat(helper: string, locale: string, timeZone: string, picked: PickedOptions): Intl.DateTimeFormat {
  const key = `d\u0000${locale}\u0000${timeZone}\u0000${picked.key}`;
  return formatters.getOrCreate(key, () =>
    create(helper, locale, timeZone, () => new Intl.DateTimeFormat(locale, { ...picked.options, timeZone })),
  ) as Intl.DateTimeFormat;
}

export function numberFormat(helper: string, locale: string, picked: PickedOptions): Intl.NumberFormat {
  const key = `n\u0000${locale}\u0000${picked.key}`;
  return formatters.getOrCreate(key, () => create(helper, locale, undefined, () => new Intl.NumberFormat(locale, picked.options))) as Intl.NumberFormat;
}

/** The wall-clock fields of instants in one zone, read with a cached 24-hour formatter. */
export function zoneFieldsFormat(helper: string, timeZone: string): Intl.DateTimeFormat {
  const key = `z\u0000${timeZone}`;
  return formatters.getOrCreate(key, () =>
    create(helper, 'en-US', timeZone, () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric',
      }),
    ),
  ) as Intl.DateTimeFormat;
}

function create<T>(helper: string, locale: string, timeZone: string | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (timeZone !== undefined && /time ?zone/i.test(message)) {
      throw helperError(helper, `${JSON.stringify(timeZone)} is not a time zone (use an IANA name such as "Europe/Moscow")`, error);
    }
    if (/locale|language tag/i.test(message)) throw helperError(helper, `${JSON.stringify(locale)} is not a locale (such as "ru-RU")`, error);
    throw helperError(helper, message, error);
  }
}

/** A helper's complaint; the compiled call adds the expression and position. */
export function helperError(helper: string, message: string, cause?: unknown): ConnectorError {
  return new ConnectorError('EXPRESSION_ERROR', `${helper}: ${message}`, { helper }, cause === undefined ? undefined : { cause });
}
