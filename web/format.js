// Sizes, times and dates in the page's language: Intl with the language the service chose, so a
// Russian page shows 24-hour time whatever the browser's own locale says.
import { language, t } from './i18n.js';

const time = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
const shortDate = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' });
const dateAndTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' });
const decimal = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });

/** 1536 → "1.5 KB" ("1,5 КБ" in Russian). */
export function humanSize(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return t('sandbox.unknownSize');
  const units = t('sandbox.units').split(' ');
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : decimal.format(size < 10 ? size : Math.round(size))} ${units[unit]}`;
}

/** A chat list's time: "14:05" today, "3 мар." before. */
export function shortTime(iso) {
  const date = parse(iso);
  if (!date) return '';
  return isToday(date) ? time.format(date) : shortDate.format(date);
}

/** A message's time: "14:05" in Russian, "02:05 PM" in English. */
export function clockTime(iso) {
  const date = parse(iso);
  return date ? time.format(date) : '';
}

export function fullTime(iso) {
  const date = parse(iso);
  return date ? dateAndTime.format(date) : '';
}

/** The label between days of a chat: "Today", else the date in full. */
export function dayLabel(iso) {
  const date = parse(iso);
  if (!date) return '';
  return isToday(date) ? t('sandbox.today') : longDate.format(date);
}

function parse(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isToday(date) {
  return date.toDateString() === new Date().toDateString();
}
