import type { ContactCard } from './actions.js';

/** A contact as WhatsApp carries it: the name shown in the chat and a vCard 3.0. */
export interface ContactPayload {
  displayName: string;
  vcard: string;
  phones: string[];
}

/**
 * Turns a contact card or a vCard text into what WhatsApp sends. Phone numbers get WhatsApp's
 * `waid` parameter, which makes the card's "Message" button open the right chat.
 *
 * @example toContactPayload({ name: 'Anna', phones: ['+79001234567'] }).vcard
 */
export function toContactPayload(contact: ContactCard | string): ContactPayload {
  if (typeof contact === 'string') return fromVcard(contact);
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escape(contact.name)}`];
  if (contact.organization) lines.push(`ORG:${escape(contact.organization)}`);
  if (contact.email) lines.push(`EMAIL;type=INTERNET:${escape(contact.email)}`);
  for (const phone of contact.phones) {
    const digits = phone.replace(/\D/g, '');
    lines.push(`TEL;type=CELL;type=VOICE;waid=${digits}:${escape(phone)}`);
  }
  lines.push('END:VCARD');
  return { displayName: contact.name, vcard: lines.join('\n'), phones: [...contact.phones] };
}

function fromVcard(text: string): ContactPayload {
  const vcard = text.trim().replace(/\r\n/g, '\n');
  const field = (name: string) => vcard.match(new RegExp(`^${name}(?:;[^:\\n]*)?:(.*)$`, 'im'))?.[1]?.trim();
  const phones = [...vcard.matchAll(/^TEL(?:;[^:\n]*)?:(.*)$/gim)].map((match) => (match[1] ?? '').trim());
  const displayName = unescape(field('FN') ?? field('N')?.split(';').filter(Boolean).reverse().join(' ') ?? phones[0] ?? 'Contact');
  return { displayName, vcard, phones };
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/([,;])/g, '\\$1');
}

function unescape(value: string): string {
  return value.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, '\n');
}
