import { describe } from './failure.js';
import { dateTimeFormat, defaultLocale, defaultTimeZone, helperError, pickDateOptions, zoneFieldsFormat } from './intl.js';
import { LruCache } from './lru.js';

/** The pattern `formatDate` uses when none is given. */
export const defaultDatePattern = 'dd.MM.yyyy HH:mm';

/**
 * Formats a date for people.
 *
 * - `value`: a Date, milliseconds since 1970, or a string: ISO 8601 (`2025-03-14`, `2025-03-14T09:30`,
 *   `2025-03-14T09:30:00Z`, `…+03:00`) or Russian `14.03.2025[ 09:30[:00]]`. A string WITHOUT an
 *   offset is wall-clock time in `timeZone`. null, undefined and "" give "".
 * - `format`: a pattern of `yyyy yy MM M dd d HH H mm m ss s SSS` with other text kept and letters quoted
 *   ('T'), default "dd.MM.yyyy HH:mm"; or Intl.DateTimeFormat options such as `{ dateStyle: "long" }`.
 * - `timeZone`: an IANA zone such as "Europe/Moscow", default "UTC".
 * - `locale`: used with Intl options only, default "ru-RU".
 *
 * @example formatDate("2025-03-14T06:30:00Z", "dd.MM.yyyy HH:mm", "Europe/Moscow") // → "14.03.2025 09:30"
 * @example formatDate("2025-03-14", { dateStyle: "long" }, "Europe/Moscow", "ru-RU") // → "14 марта 2025 г."
 */
export function formatDate(value?: unknown, format?: unknown, timeZone?: unknown, locale?: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const zone = optionalString('time zone', timeZone) ?? defaultTimeZone;
  const instant = toInstant(value, zone);
  if (format === undefined || format === null) format = defaultDatePattern;
  if (typeof format === 'string') return formatPattern(instant, compilePattern(format), zone);
  if (typeof format === 'object' && !Array.isArray(format)) {
    const language = optionalString('locale', locale) ?? defaultLocale;
    return dateTimeFormat('formatDate', language, zone, pickDateOptions('formatDate', format)).format(instant);
  }
  throw helperError('formatDate', `the format must be a pattern such as "dd.MM.yyyy HH:mm" or options such as { dateStyle: "long" }, not ${describe(format)}`);
}

function optionalString(what: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw helperError('formatDate', `the ${what} must be a string, not ${describe(value)}`);
  return value;
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const russianDate = /^(\d{2})\.(\d{2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Milliseconds since 1970 for the value; a string without an offset is read in `zone`. */
export function toInstant(value: unknown, zone: string): number {
  let instant = NaN;
  if (value instanceof Date) instant = value.getTime();
  else if (typeof value === 'number') instant = value;
  else if (typeof value === 'string') instant = parseDateText(value.trim(), zone);
  else throw helperError('formatDate', `${describe(value)} is not a date`);
  if (!Number.isFinite(instant) || Math.abs(instant) > 8.64e15) throw helperError('formatDate', `${describe(value)} is not a valid date`);
  return instant;
}

function parseDateText(text: string, zone: string): number {
  const iso = isoDate.exec(text);
  const russian = iso === null ? russianDate.exec(text) : null;
  if (iso === null && russian === null) return Date.parse(text);
  const [year, month, day, hour, minute, second, fraction, offset] = iso !== null
    ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6], iso[7], iso[8]]
    : [russian?.[3], russian?.[2], russian?.[1], russian?.[4], russian?.[5], russian?.[6], undefined, undefined];
  const fields = [year, month, day, hour, minute, second].map((field) => Number(field ?? 0)) as [number, number, number, number, number, number];
  const milliseconds = Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
  const wall = utc(...fields, milliseconds);
  // Date.UTC quietly rolls 31 February over to March; a date that does not round-trip is invalid.
  const back = new Date(wall);
  if (back.getUTCMonth() + 1 !== fields[1] || back.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    return NaN;
  }
  if (offset === undefined) return zone === 'UTC' ? wall : wallToInstant(wall, zone);
  if (offset.toUpperCase() === 'Z') return wall;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

interface WallClock {
  year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number;
}

function wallClock(instant: number, zone: string): WallClock {
  const millisecond = ((instant % 1000) + 1000) % 1000;
  if (zone === 'UTC') {
    const d = new Date(instant);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond };
  }
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond };
  for (const part of zoneFieldsFormat('formatDate', zone).formatToParts(instant)) {
    if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour' || part.type === 'minute' || part.type === 'second') {
      clock[part.type] = Number(part.value);
    }
  }
  return clock;
}

/** The instant whose wall clock in `zone` reads `wall` (given as if it were UTC). */
function wallToInstant(wall: number, zone: string): number {
  const offsetAt = (instant: number): number => {
    const c = wallClock(instant, zone);
    return utc(c.year, c.month, c.day, c.hour, c.minute, c.second, c.millisecond) - instant;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  if (second === first || wall - offsetAt(second) === second) return second;
  // The wall time falls into a spring-forward gap: move forward, as Temporal's "compatible" does.
  return Math.max(first, second);
}

type Field = 'yyyy' | 'yy' | 'MM' | 'M' | 'dd' | 'd' | 'HH' | 'H' | 'mm' | 'm' | 'ss' | 's' | 'SSS';
type Piece = { readonly text: string } | { readonly field: Field };

const fields: ReadonlySet<string> = new Set<Field>(['yyyy', 'yy', 'MM', 'M', 'dd', 'd', 'HH', 'H', 'mm', 'm', 'ss', 's', 'SSS']);
const patterns = new LruCache<string, readonly Piece[]>(128);

function compilePattern(pattern: string): readonly Piece[] {
  return patterns.getOrCreate(pattern, () => {
    const pieces: Piece[] = [];
    for (let i = 0; i < pattern.length; ) {
      const char = pattern[i] as string;
      if (char === "'") {
        const close = pattern.indexOf("'", i + 1);
        if (close < 0) throw helperError('formatDate', `unclosed quote in the pattern ${JSON.stringify(pattern)}`);
        pieces.push({ text: close === i + 1 ? "'" : pattern.slice(i + 1, close) });
        i = close + 1;
      } else if (/[a-z]/i.test(char)) {
        let end = i;
        while (pattern[end] === char) end++;
        const run = pattern.slice(i, end);
        if (!fields.has(run)) {
          throw helperError('formatDate', `unknown pattern letters ${JSON.stringify(run)} in ${JSON.stringify(pattern)}; use yyyy, MM, dd, HH, mm, ss, SSS and quote other letters, e.g. 'T'`);
        }
        pieces.push({ field: run as Field });
        i = end;
      } else {
        pieces.push({ text: char });
        i++;
      }
    }
    return pieces;
  });
}

function formatPattern(instant: number, pieces: readonly Piece[], zone: string): string {
  const c = wallClock(instant, zone);
  let out = '';
  for (const piece of pieces) out += 'text' in piece ? piece.text : fieldText(piece.field, c);
  return out;
}

function fieldText(field: Field, c: WallClock): string {
  switch (field) {
    case 'yyyy': return String(c.year).padStart(4, '0');
    case 'yy': return String(c.year % 100).padStart(2, '0');
    case 'MM': return String(c.month).padStart(2, '0');
    case 'M': return String(c.month);
    case 'dd': return String(c.day).padStart(2, '0');
    case 'd': return String(c.day);
    case 'HH': return String(c.hour).padStart(2, '0');
    case 'H': return String(c.hour);
    case 'mm': return String(c.minute).padStart(2, '0');
    case 'm': return String(c.minute);
    case 'ss': return String(c.second).padStart(2, '0');
    case 's': return String(c.second);
    case 'SSS': return String(c.millisecond).padStart(3, '0');
  }
}
