import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseLanguage } from './language.js';

describe('chooseLanguage', () => {
  test('a browser that asks for nothing, or only for languages the pages lack, gets English', () => {
    assert.equal(chooseLanguage(undefined), 'en');
    assert.equal(chooseLanguage(''), 'en');
    assert.equal(chooseLanguage('de-DE, fr;q=0.8'), 'en');
  });

  test('a Russian browser gets Russian, whatever its region', () => {
    assert.equal(chooseLanguage('ru'), 'ru');
    assert.equal(chooseLanguage('ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7'), 'ru');
    assert.equal(chooseLanguage('RU-ru'), 'ru');
  });

  test('the highest q-value wins, not the first range', () => {
    assert.equal(chooseLanguage('en;q=0.3, ru;q=0.8'), 'ru');
    assert.equal(chooseLanguage('ru;q=0.5, en-GB'), 'en');
    assert.equal(chooseLanguage('de, ru;q=0.4, en;q=0.2'), 'ru');
  });

  test('equal q-values go to the earlier range', () => {
    assert.equal(chooseLanguage('ru;q=0.7, en;q=0.7'), 'ru');
    assert.equal(chooseLanguage('en, ru'), 'en');
  });

  test('q=0 refuses a language; * stands for the default', () => {
    assert.equal(chooseLanguage('ru;q=0, en;q=0.1'), 'en');
    assert.equal(chooseLanguage('ru;q=0'), 'en');
    assert.equal(chooseLanguage('de, *;q=0.5'), 'en');
  });

  test('unreadable parts are skipped, the rest still counts', () => {
    assert.equal(chooseLanguage('ru;q=abc, en;q=0.1'), 'en');
    assert.equal(chooseLanguage('<script>, ru;q=0.9'), 'ru');
    assert.equal(chooseLanguage('ru;q=2, en;q=0.2'), 'en');
    assert.equal(chooseLanguage(',,; ,ru'), 'ru');
  });

  test('?lang= overrides the header; an unknown one is ignored', () => {
    assert.equal(chooseLanguage('ru', 'en'), 'en');
    assert.equal(chooseLanguage('en', 'ru'), 'ru');
    assert.equal(chooseLanguage('ru', 'de'), 'ru');
    assert.equal(chooseLanguage(undefined, 'RU'), 'en');
  });
});
