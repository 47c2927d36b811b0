import type { Language } from '../component/descriptor.js';

export type { Language };

/** Every language the pages speak; the first is the one for a browser that asks for none of them. */
export const languages: readonly Language[] = ['en', 'ru'];

export const defaultLanguage: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/**
 * The language of a page: a valid `override` (the `?lang=` of its address) wins, then the best of
 * `Accept-Language` by q-value (ties go to the earlier range), else English.
 *
 * @example chooseLanguage('en-GB;q=0.5, ru-RU') // 'ru'
 * @example chooseLanguage('ru', 'en') // 'en'
 */
export function chooseLanguage(acceptLanguage: string | undefined, override?: string): Language {
  if (isLanguage(override)) return override;
  let best: { language: Language; q: number } | undefined;
  for (const { range, q } of languageRanges(acceptLanguage ?? '')) {
    const primary = range.split('-')[0] ?? '';
    const language = range === '*' ? defaultLanguage : primary;
    if (!isLanguage(language) || q <= 0) continue;
    if (!best || q > best.q) best = { language, q };
  }
  return best?.language ?? defaultLanguage;
}

/** "ru-RU,ru;q=0.9" → [{ range: 'ru-ru', q: 1 }, { range: 'ru', q: 0.9 }]; unreadable parts are skipped. */
function languageRanges(header: string): { range: string; q: number }[] {
  return header.split(',').flatMap((part) => {
    const [tag = '', ...params] = part.split(';').map((piece) => piece.trim());
    if (!/^([a-z]{1,8}(-[a-z0-9]{1,8})*|\*)$/i.test(tag)) return [];
    const qParam = params.find((param) => /^q\s*=/i.test(param));
    const q = qParam === undefined ? 1 : Number(qParam.split('=')[1]);
    return Number.isFinite(q) && q >= 0 && q <= 1 ? [{ range: tag.toLowerCase(), q }] : [];
  });
}
