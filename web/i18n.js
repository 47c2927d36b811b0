/* global document */
// The page's texts in its language: the service picked the language (?lang=, else the browser's
// Accept-Language) and embedded that language's catalogue (src/i18n/pages.ts) in the page.

const texts = readTexts();

/** The page's language, "en" or "ru", for Intl and for the catalogue. */
export const language = document.documentElement.lang || 'en';

/**
 * A text of the catalogue with its `{name}`s filled in; `**bold**` marks are dropped (they are for
 * the HTML only).
 *
 * @example t('link.newCodeIn', { seconds: 12 }) // 'Новый код через 12 с'
 */
export function t(id, params = {}) {
  const text = texts[id] ?? id;
  return text.replace(/\*\*/g, '').replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** Whether the catalogue has a text for `id`. */
export function has(id) {
  return Object.hasOwn(texts, id);
}

/** An error the service answered, in words: the catalogue's for its code, else its own detail. */
export function errorInWords(error) {
  const id = `error.${error?.code}`;
  return has(id) ? t(id) : String(error?.message ?? error);
}

function readTexts() {
  try {
    return JSON.parse(document.getElementById('page-texts')?.textContent ?? '{}');
  } catch {
    return {};
  }
}
