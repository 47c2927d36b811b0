// One conversation of the sandbox page drawn as a messenger does: bubbles, attachments (small
// images as pictures), receipts, reactions; and the one-line preview of a chat list.
import { el, phoneOfJid } from './dom.js';
import { clockTime, dayLabel, fullTime, humanSize } from './format.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

/** The connector's side of a chat: an account a session is linked to, else its first participant. */
export function isMine(chat, jid) {
  const linked = chat?.participants.filter((person) => person.linked) ?? [];
  return linked.length > 0 ? linked.some((person) => person.jid === jid) : chat?.participants[0]?.jid === jid;
}

export function nameOf(chat, jid) {
  const person = chat?.participants.find((participant) => participant.jid === jid);
  return person?.name || person?.phone || phoneOfJid(jid);
}

function senderName(chat, message) {
  return message.fromName || nameOf(chat, message.from);
}

/** The rows of a conversation, oldest first: day labels, then each message's bubble. */
export function messageRows(messages, chat, { onPicture } = {}) {
  const rows = [];
  const byId = new Map(messages.map((message) => [message.id, message]));
  let previous;
  for (const message of messages) {
    const day = dayLabel(message.timestamp);
    if (!previous || dayLabel(previous.timestamp) !== day) rows.push(el('p', { class: 'day', text: day }));
    const first = !previous || previous.from !== message.from || rows.at(-1).classList.contains('day');
    rows.push(messageRow(message, chat, first, onPicture, byId));
    previous = message;
  }
  if (rows.length === 0) rows.push(el('p', { class: 'empty', text: t('sandbox.emptyChat') }));
  return rows;
}

/** A chat list's second line: an icon for what the last message holds, and its words. */
export function previewParts(chat) {
  const last = chat.lastMessage;
  if (!last) return [t('sandbox.noMessages')];
  const who = chat.kind === 'group' ? `${senderName(chat, last)}: ` : '';
  if (last.deleted) return [who, icon('deleted'), t('sandbox.deleted')];
  const attachment = last.attachments?.[0];
  if (attachment) return [who, icon(attachment.type), [attachment.fileName, last.caption].filter(Boolean).join(' — ')];
  if (last.location) return [who, icon('location'), last.location.name ?? t('sandbox.kind.location')];
  const contacts = last.contacts ?? (last.contact ? [last.contact] : []);
  if (contacts.length > 0) return [who, icon('contact'), contacts.map((contact) => contact.displayName).join(', ')];
  return [who, last.text ?? ''];
}

function messageRow(message, chat, first, onPicture, byId) {
  const bubble = el(
    'div',
    { class: 'bubble' },
    first ? el('p', { class: 'sender', text: senderName(chat, message) }) : null,
    message.forwarded && !message.deleted
      ? el('p', { class: 'forwarded', 'data-testid': 'forwarded' }, icon('forwarded'), t(message.forwardedManyTimes ? 'sandbox.forwardedMany' : 'sandbox.forwarded'))
      : null,
    message.quoted && !message.deleted ? quote(message.quoted, chat, byId) : null,
    ...content(message, onPicture),
    meta(message),
  );
  return el(
    'div',
    {
      class: ['message', isMine(chat, message.from) ? 'right' : 'left', first ? 'first' : ''].join(' ').trim(),
      'data-testid': 'message',
      'data-id': message.id,
      'data-kind': message.kind,
    },
    bubble,
    message.reactions.length > 0 && !message.deleted ? reactions(message.reactions, chat) : null,
  );
}

/** The message a reply answers, as messengers show it above the reply: who wrote it and its first words. */
function quote(quoted, chat, byId) {
  const original = byId.get(quoted.id);
  const words = original ? (original.deleted ? t('sandbox.deleted') : original.text ?? original.caption ?? previewParts({ lastMessage: original, kind: 'direct' }).filter((part) => typeof part === 'string').join('')) : '…';
  return el(
    'blockquote',
    { class: 'quote', 'data-testid': 'message-quote', 'data-quoted': quoted.id },
    el('span', { class: 'quote-sender', text: nameOf(chat, quoted.from) }),
    el('span', { class: 'quote-text', text: words }),
  );
}

function content(message, onPicture) {
  if (message.deleted) return [el('p', { class: 'deleted', 'data-testid': 'message-deleted' }, icon('deleted'), t('sandbox.deleted'))];
  const parts = [];
  for (const attachment of message.attachments ?? []) parts.push(attachment.type === 'image' ? picture(attachment, onPicture) : attachmentCard(attachment));
  if (message.location) parts.push(el('p', { class: 'location', 'data-testid': 'message-location' }, icon('location'), locationLine(message.location)));
  const contacts = message.contacts ?? (message.contact ? [message.contact] : []);
  for (const contact of contacts) parts.push(contactCard(contact));
  const text = message.text ?? message.caption;
  if (text !== undefined && text !== '') parts.push(el('p', { class: 'text', 'data-testid': 'message-text', text }));
  return parts;
}

/** The image itself while the sandbox keeps its bytes; its card when it does not (too large, or dropped). */
function picture(attachment, onPicture) {
  const image = el('img', {
    class: 'picture',
    'data-testid': 'attachment-image',
    src: `/v1/sandbox/pictures/${encodeURIComponent(attachment.sha256)}`,
    alt: attachment.fileName,
    title: `${attachment.fileName} · ${humanSize(attachment.size)}`,
  });
  image.addEventListener('load', () => onPicture?.());
  image.addEventListener('error', () => image.replaceWith(attachmentCard(attachment)));
  return image;
}

function attachmentCard(attachment) {
  return el(
    'div',
    { class: 'attachment', 'data-testid': 'attachment' },
    icon(attachment.type, 'attachment-icon'),
    el(
      'span',
      {},
      el('span', { class: 'attachment-name', text: attachment.fileName }),
      el('br'),
      el('span', { class: 'attachment-meta', text: `${humanSize(attachment.size)} · ${attachment.mimeType}` }),
    ),
  );
}

function contactCard(contact) {
  return el(
    'div',
    { class: 'contact', 'data-testid': 'message-contact' },
    el('span', { class: 'contact-name' }, icon('contact'), contact.displayName),
    el('ul', { class: 'contact-phones' }, ...(contact.phones ?? []).map((phone) => el('li', { text: phone }))),
  );
}

/** "Office, Tverskaya 1 (55.7558, 37.6173)" */
function locationLine({ latitude, longitude, name, address }) {
  const place = [name, address].filter(Boolean).join(', ');
  return `${place ? `${place} ` : ''}(${latitude}, ${longitude})`;
}

function meta(message) {
  return el(
    'div',
    { class: 'meta' },
    message.edited && !message.deleted ? el('span', { class: 'edited', 'data-testid': 'message-edited', title: fullTime(message.editedAt), text: t('sandbox.edited') }) : null,
    el('time', { datetime: message.timestamp, title: fullTime(message.timestamp), text: clockTime(message.timestamp) }),
    ticks(message.status),
  );
}

function ticks(status) {
  const label = t(`sandbox.status.${status}`);
  return el('span', { class: 'ticks', 'data-testid': 'message-status', 'data-status': status, title: label, 'aria-label': label }, icon(status, 'tick-icon'));
}

function reactions(list, chat) {
  const byEmoji = new Map();
  for (const { from, emoji } of list) byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), from]);
  return el(
    'div',
    { class: 'reactions' },
    ...[...byEmoji].map(([emoji, people]) =>
      el('span', {
        class: 'reaction',
        'data-testid': 'reaction',
        title: people.map((jid) => nameOf(chat, jid)).join(', '),
        text: people.length > 1 ? `${emoji} ${people.length}` : emoji,
      }),
    ),
  );
}
