import { readFile } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseLanguage, languages, pageCatalogue, type Language } from '../i18n/index.js';
import { webFile } from './web.js';

/**
 * Fills a page template in `language`: `{{lang}}`, `{{texts}}` (the whole catalogue as JSON, for
 * the page's scripts) and `{{id}}` for any text of the catalogue, escaped, `**bold**` kept.
 * An id the catalogue lacks throws, so a typo fails at start, not on a person's screen.
 *
 * @example fillTemplate('<html lang="{{lang}}"><h1>{{link.title}}</h1>', 'ru') // '<html lang="ru"><h1>Привязка WhatsApp</h1>'
 */
export function fillTemplate(template: string, language: Language): string {
  const texts: Record<string, string> = pageCatalogue(language);
  return template.replace(/\{\{([\w.-]+)\}\}/g, (_match, id: string) => {
    if (id === 'lang') return language;
    // JSON in a <script> ends at the first "</script": no "<" may stay as it is.
    if (id === 'texts') return JSON.stringify(texts).replace(/</g, '\\u003c');
    const text = texts[id];
    if (text === undefined) throw new Error(`The page template names the text "${id}", which the catalogue (src/i18n/pages.ts) lacks`);
    return escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A page of `web/`, rendered once per language; each request gets the language it asks for. */
export interface LocalizedPage {
  send(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

/** Reads `web/<name>` and renders it in every language. */
export async function localizedPage(name: string, headers: Record<string, string> = {}): Promise<LocalizedPage> {
  const template = await readFile(webFile(name), 'utf8');
  const rendered = new Map(languages.map((language) => [language, fillTemplate(template, language)]));
  return {
    send(request, reply) {
      const language = requestLanguage(request);
      return reply
        .type('text/html; charset=utf-8')
        .headers(headers)
        .header('content-language', language)
        .header('vary', 'Accept-Language')
        .send(rendered.get(language));
    },
  };
}

/** `?lang=` first, then `Accept-Language` (see docs/service.md, "Pages"). */
export function requestLanguage(request: FastifyRequest): Language {
  const override = new URLSearchParams(request.url.split('?')[1] ?? '').get('lang') ?? undefined;
  return chooseLanguage(request.headers['accept-language'], override);
}
