import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { evaluateExpression } from './cache.js';
import { helpers } from './helpers.js';

const nbsp = '\u00a0';
const evaluate = (source: string, allValues: Record<string, unknown> = {}) => evaluateExpression(source, { allValues });

const refuses = (source: string, words: RegExp, allValues: Record<string, unknown> = {}) =>
  assert.throws(() => evaluate(source, allValues), (error: unknown) => {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'EXPRESSION_ERROR');
    assert.equal(typeof error.details?.position, 'number');
    assert.match(error.message, words);
    return true;
  });

describe('helpers', () => {
  it('are a frozen whitelist with no prototype to reach through', () => {
    assert.ok(Object.isFrozen(helpers));
    assert.equal(Object.getPrototypeOf(helpers), null);
    assert.deepEqual(Object.keys(helpers).sort(), ['default', 'formatDate', 'formatNumber', 'join', 'length', 'lower', 'number', 'string', 'trim', 'upper']);
  });

  describe('formatDate', () => {
    const appointment = '2025-03-14T06:30:00Z';

    it('shows an appointment in Moscow time with a pattern', () => {
      assert.equal(evaluate('formatDate(allValues.at, "dd.MM.yyyy HH:mm", "Europe/Moscow")', { at: appointment }), '14.03.2025 09:30');
      assert.equal(evaluate('formatDate(allValues.at, "d.M.yy H:mm:ss.SSS")', { at: '2025-03-04T05:06:07.089Z' }), '4.3.25 5:06:07.089');
      assert.equal(evaluate(`formatDate(allValues.at, "yyyy-MM-dd'T'HH:mm 'в' HH 'ч'")`, { at: appointment }), '2025-03-14T06:30 в 06 ч');
    });

    it('uses "dd.MM.yyyy HH:mm" in UTC when nothing else is said', () => {
      assert.equal(evaluate('formatDate(allValues.at)', { at: appointment }), '14.03.2025 06:30');
    });

    it('spells dates out in Russian with Intl options and a locale', () => {
      assert.equal(evaluate('formatDate(allValues.at, { dateStyle: "long" }, "Europe/Moscow", "ru-RU")', { at: appointment }), '14 марта 2025 г.');
      assert.equal(
        evaluate('formatDate(allValues.at, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }, "Europe/Moscow")', { at: appointment }),
        'пятница, 14 марта в 09:30',
      );
      assert.equal(evaluate('formatDate(allValues.at, { dateStyle: "medium" }, "UTC", "en-US")', { at: appointment }), 'Mar 14, 2025');
    });

    it('reads a date-time without an offset as wall time in the given zone', () => {
      assert.equal(evaluate('formatDate("2025-03-14T09:30", "HH:mm", "Europe/Moscow")'), '09:30');
      assert.equal(evaluate('formatDate("14.03.2025 09:30", "yyyy-MM-dd HH:mm", "Europe/Moscow")'), '2025-03-14 09:30');
      assert.equal(evaluate('formatDate("2025-03-14T09:30+03:00", "HH:mm")'), '06:30');
      // 02:30 does not exist in New York that night; like Temporal, move forward.
      assert.equal(evaluate('formatDate("2025-03-09T02:30", "HH:mm", "America/New_York")'), '03:30');
    });

    it('accepts Dates and milliseconds, and renders missing dates as empty', () => {
      assert.equal(evaluate('formatDate(allValues.at, "dd.MM.yyyy")', { at: new Date(Date.UTC(2025, 0, 2)) }), '02.01.2025');
      assert.equal(evaluate('formatDate(allValues.at, "dd.MM.yyyy")', { at: 0 }), '01.01.1970');
      assert.equal(evaluate('formatDate(allValues.missing, "dd.MM.yyyy")'), '');
    });

    it('refuses invalid dates, unknown zones, locales and pattern letters', () => {
      refuses('formatDate("завтра")', /formatDate: "завтра" is not a valid date at position 0/);
      refuses('formatDate("2025-02-30")', /is not a valid date/);
      refuses('formatDate(allValues.at)', /is not a valid date/, { at: new Date(NaN) });
      refuses('formatDate(allValues.at, "HH:mm", "Moscow")', /"Moscow" is not a time zone/, { at: appointment });
      refuses('formatDate(allValues.at, { dateStyle: "long" }, "ru-RU")', /"ru-RU" is not a time zone/, { at: appointment });
      refuses('formatDate(allValues.at, { dateStyle: "long" }, "UTC", "not a locale!")', /not a locale/, { at: appointment });
      refuses('formatDate(allValues.at, "DD.MM.YYYY")', /unknown pattern letters "DD".*use yyyy, MM, dd/, { at: appointment });
      refuses('formatDate(allValues.at, { timeZone: "Europe/Moscow" })', /unknown option "timeZone" \(the time zone is the third argument/, { at: appointment });
      refuses('formatDate(allValues.at, 5)', /the format must be a pattern/, { at: appointment });
    });
  });

  describe('formatNumber', () => {
    it('shows an amount in roubles the Russian way', () => {
      assert.equal(evaluate('formatNumber(allValues.total, { style: "currency", currency: "RUB" })', { total: 1234.5 }), `1${nbsp}234,50${nbsp}₽`);
      assert.equal(evaluate('formatNumber(1234.5, { style: "currency", currency: "USD" }, "en-US")'), '$1,234.50');
    });

    it('takes fraction digits, numeric strings with a decimal comma, and leaves missing numbers empty', () => {
      assert.equal(evaluate('formatNumber("1234,5", { minimumFractionDigits: 2 })'), `1${nbsp}234,50`);
      assert.equal(evaluate('formatNumber(0.256, { style: "percent" })'), `26${nbsp}%`);
      assert.equal(evaluate('formatNumber(allValues.missing)'), '');
    });

    it('refuses text that is not a number and options it does not know', () => {
      refuses('formatNumber("много")', /formatNumber: "много" is not a number/);
      refuses('formatNumber(1, { style: "currency" })', /formatNumber: .*currency/i);
      refuses('formatNumber(1, { colour: "red" })', /unknown option "colour"/);
      refuses('formatNumber(1, { currency: allValues })', /option "currency" must be a string/);
    });
  });

  it('default: falls back for null, undefined and "", keeps 0 and false', () => {
    assert.equal(evaluate('default(allValues.missing, "клиент")'), 'клиент');
    assert.equal(evaluate('default(allValues.name, "клиент")', { name: '' }), 'клиент');
    assert.equal(evaluate('default(allValues.name, "клиент")', { name: null }), 'клиент');
    assert.equal(evaluate('default(allValues.count, 5)', { count: 0 }), 0);
    assert.equal(evaluate('default(allValues.flag, true)', { flag: false }), false);
  });

  it('join: lists items between a separator, ", " by default', () => {
    assert.equal(evaluate('join(allValues.items)', { items: ['чай', 'кофе', null, 3] }), 'чай, кофе, , 3');
    assert.equal(evaluate('join(allValues.items, " / ")', { items: ['a', 'b'] }), 'a / b');
    assert.equal(evaluate('join(allValues.missing)'), '');
    refuses('join("abc")', /join: "abc" is not an array/);
  });

  it('upper, lower, trim: change text, Cyrillic included, and read missing values as ""', () => {
    assert.equal(evaluate('upper("анна")'), 'АННА');
    assert.equal(evaluate('lower("ИВАНОВА")'), 'иванова');
    assert.equal(evaluate('trim("  +7 900  ")'), '+7 900');
    assert.equal(evaluate('upper(allValues.missing)'), '');
    assert.equal(evaluate('upper(12)'), '12');
  });

  it('number, string, length: convert and measure', () => {
    assert.equal(evaluate('number("12,5") + 1'), 13.5);
    assert.equal(evaluate('number(" 42 ")'), 42);
    assert.equal(evaluate('number(allValues.missing)'), undefined);
    refuses('number("abc")', /number: "abc" is not a number/);
    assert.equal(evaluate('string(5) + string(null) + string([1])'), '5[1]');
    assert.deepEqual(['length("абв")', 'length([1, 2])', 'length({ a: 1 })', 'length(allValues.missing)'].map((e) => evaluate(e)), [3, 2, 1, 0]);
    refuses('length(5)', /length: 5 has no length/);
  });
});
