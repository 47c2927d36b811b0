import { ConnectorError } from './errors.js';

/** WhatsApp's address servers: a person by phone, a group, or a person by LID. */
export type ChatKind = 'user' | 'group' | 'lid';

export interface Chat {
  /** The WhatsApp JID, e.g. `79001234567@s.whatsapp.net` or `120363025246125486@g.us`. */
  jid: string;
  kind: ChatKind;
}

const USER_SERVER = 's.whatsapp.net';
const GROUP_SERVER = 'g.us';
const LID_SERVER = 'lid';

// E.164 allows at most 15 digits; no real country code plus subscriber number is shorter than 7.
const PHONE_DIGITS = /^[1-9]\d{6,14}$/;
// Current group ids are long numbers; old ones are `creator-timestamp`.
const GROUP_LOCAL = /^\d{5,25}(-\d{5,15})?$/;
const LID_LOCAL = /^\d{5,25}$/;
// What people type around a phone number: spaces (also non-breaking), dashes, dots, parentheses.
const PHONE_DECORATION = /[\s\u00a0\-.()]/g;

/**
 * Normalises every form of chat a process designer may write to a WhatsApp JID.
 *
 * @example normalizeChat('+7 (900) 123-45-67') // { jid: '79001234567@s.whatsapp.net', kind: 'user' }
 * @example normalizeChat('120363025246125486@g.us') // { jid: '120363025246125486@g.us', kind: 'group' }
 */
export function normalizeChat(input: unknown): Chat {
  if (typeof input === 'number' && Number.isSafeInteger(input)) input = String(input);
  if (typeof input !== 'string') throw invalidChat(input, 'a chat must be a phone number or a chat id');
  const text = input.trim();
  const at = text.indexOf('@');
  if (at === -1) return { jid: `${phoneDigits(text, input)}@${USER_SERVER}`, kind: 'user' };

  const local = text.slice(0, at);
  const server = text.slice(at + 1).toLowerCase();
  switch (server) {
    case USER_SERVER:
    case 'c.us':
      return { jid: `${phoneDigits(local, input)}@${USER_SERVER}`, kind: 'user' };
    case GROUP_SERVER:
      if (!GROUP_LOCAL.test(local)) throw invalidChat(input, 'a group id is digits before "@g.us"');
      return { jid: `${local}@${GROUP_SERVER}`, kind: 'group' };
    case LID_SERVER:
      if (!LID_LOCAL.test(local)) throw invalidChat(input, 'a LID is digits before "@lid"');
      return { jid: `${local}@${LID_SERVER}`, kind: 'lid' };
    default:
      throw invalidChat(input, `"@${server}" is not a WhatsApp chat address`);
  }
}

/** The JID alone; see {@link normalizeChat}. */
export function toJid(input: unknown): string {
  return normalizeChat(input).jid;
}

/** The JID of a phone number, e.g. for a linked account. */
export function phoneToJid(phone: string): string {
  return `${phoneDigits(phone, phone)}@${USER_SERVER}`;
}

/** `+79001234567` for a user JID, the JID itself for anything else. */
export function displayChat(jid: string): string {
  return jid.endsWith(`@${USER_SERVER}`) ? `+${jid.slice(0, -USER_SERVER.length - 1)}` : jid;
}

export function isGroupJid(jid: string): boolean {
  return jid.endsWith(`@${GROUP_SERVER}`);
}

function phoneDigits(raw: string, input: unknown): string {
  let digits = raw.replace(PHONE_DECORATION, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  if (/^\d{16,}$/.test(digits)) {
    throw invalidChat(input, 'too many digits for a phone number; a group id ends with "@g.us"');
  }
  if (!PHONE_DIGITS.test(digits)) {
    throw invalidChat(input, 'expected a phone number in international format, e.g. +79001234567');
  }
  return digits;
}

function invalidChat(input: unknown, reason: string): ConnectorError {
  const shown = typeof input === 'string' ? `"${input}"` : String(input);
  return new ConnectorError('INVALID_CHAT', `Invalid chat ${shown}: ${reason}`, { input });
}
