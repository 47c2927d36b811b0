import { z } from 'zod';
import { ConnectorError } from './errors.js';

/**
 * A NUL, or half of a UTF-16 surrogate pair without its other half. PostgreSQL's `text` cannot
 * hold NUL at all, and a lone surrogate is not Unicode: UTF-8 (what both databases and WhatsApp
 * carry) can only replace it with U+FFFD, so the text stored and sent would not be the text given.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored and sent as given, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  const found = unstorable.exec(text);
  if (!found) return undefined;
  const code = `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const what = found[0] === '\u0000' ? 'a NUL character' : 'a lone UTF-16 surrogate';
  return `contains ${what} (${code}) at position ${found.index}, which cannot be stored or sent`;
}

/**
 * The same rule as a JSON Schema pattern (read with the `u` flag, as ECMAScript and ajv do: a
 * surrogate pair is one code point outside the excluded range, a lone half is inside it).
 */
// eslint-disable-next-line no-control-regex -- refusing NUL is the point
export const storableTextPattern = /^[^\u0000\ud800-\udfff]*$/u;

/**
 * Every free text a caller gives: a string the store can keep as given. Its pattern reaches the
 * OpenAPI document, so a generated client knows the rule too.
 *
 * @example storableString().min(1).max(200)
 */
export function storableString(): z.ZodString {
  return z.string().regex(storableTextPattern, { message: 'contains a NUL character or a lone UTF-16 surrogate, which cannot be stored or sent' });
}

/**
 * Refuses text the store cannot keep as given, on every database alike, naming the field.
 *
 * @example assertStorableText('label', label);
 */
export function assertStorableText(field: string, text: string | null | undefined): void {
  if (text === null || text === undefined) return;
  const reason = unstorableTextReason(text);
  if (reason !== undefined) {
    throw new ConnectorError('VALIDATION_ERROR', `${field} ${reason}`, { issues: [{ path: field, message: reason }] });
  }
}
