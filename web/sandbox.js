/* global window, document, location, history, EventSource, fetch */
// The sandbox viewer: every chat of the virtual network on the left, the open chat on the right,
// refetched whenever the network reports a change.
import { debounce, el, phoneOfJid, readJson } from './dom.js';

const $ = (selector) => document.querySelector(selector);
const view = {
  live: $('[data-testid=live]'),
  loadError: $('[data-testid=load-error]'),
  chatList: $('[data-testid=chat-list]'),
  noChats: $('#no-chats'),
  header: $('#conversation-header'),
  avatar: $('#conversation-avatar'),
  title: $('[data-testid=chat-title]'),
  participants: $('[data-testid=chat-participants]'),
  messages: $('[data-testid=messages]'),
  noSelection: $('#no-selection'),
};

const page = {
  chats: [],
  /** The open chat's messages, rendered again when names or participants arrive later. */
  messages: undefined,
  /** Key of the open chat; kept in the address's #fragment so a reload keeps it open. */
  openKey: decodeURIComponent(location.hash.slice(1)) || undefined,
  /** Guards against an older, slower response overwriting a newer one. */
  chatsRequest: 0,
  messagesRequest: 0,
};

// ---- loading ---------------------------------------------------------------------------------

async function loadChats() {
  const request = ++page.chatsRequest;
  try {
    const { chats } = await readJson(await fetch('/v1/sandbox/chats', { headers: { Accept: 'application/json' } }));
    if (request !== page.chatsRequest) return;
    page.chats = chats ?? [];
    showLoadError(undefined);
    if (page.openKey === undefined && page.chats[0]) return openChat(page.chats[0].key);
    renderChatList();
    renderHeader();
    if (page.messages) renderMessages(page.messages);
  } catch (error) {
    showLoadError(`Could not load the chats: ${error.message}`);
  }
}

async function loadMessages() {
  const key = page.openKey;
  if (key === undefined) return;
  const request = ++page.messagesRequest;
  try {
    const url = `/v1/sandbox/chats/${encodeURIComponent(key)}/messages`;
    const { messages } = await readJson(await fetch(url, { headers: { Accept: 'application/json' } }));
    if (request !== page.messagesRequest || key !== page.openKey) return;
    showLoadError(undefined);
    page.messages = messages ?? [];
    renderMessages(page.messages);
  } catch (error) {
    showLoadError(`Could not load the messages: ${error.message}`);
  }
}

function openChat(key) {
  const changed = key !== page.openKey;
  page.openKey = key;
  history.replaceState(null, '', `#${encodeURIComponent(key)}`);
  renderChatList();
  renderHeader();
  if (changed) {
    page.messages = undefined;
    view.messages.replaceChildren();
  }
  void loadMessages();
}

function showLoadError(message) {
  view.loadError.textContent = message ?? '';
  view.loadError.hidden = message === undefined;
}

// ---- chat list -------------------------------------------------------------------------------

function renderChatList() {
  view.noChats.hidden = page.chats.length > 0;
  view.chatList.replaceChildren(...page.chats.map(chatItem));
}

function chatItem(chat) {
  const last = chat.lastMessage;
  const item = el(
    'button',
    {
      type: 'button',
      class: 'chat-item',
      'data-testid': 'chat-item',
      'data-key': chat.key,
      'aria-current': chat.key === page.openKey ? 'true' : 'false',
      onclick: () => openChat(chat.key),
    },
    avatar(chat),
    el('span', { class: 'chat-title', text: chat.title }),
    el('span', { class: 'chat-time', text: last ? shortTime(last.timestamp) : '' }),
    el('span', { class: 'chat-preview', text: previewLine(chat) }),
    el('span', { class: 'chat-count', title: `${chat.messageCount} messages`, text: String(chat.messageCount) }),
  );
  return el('li', {}, item);
}

function previewLine(chat) {
  const last = chat.lastMessage;
  if (!last || chat.kind !== 'group') return chat.preview || 'No messages';
  return `${senderName(chat, last)}: ${chat.preview}`;
}

function avatar(chat) {
  const letters = chat.kind === 'group' ? initials({ name: chat.title }) : initials(chat.participants.at(-1));
  return el('span', { class: chat.kind === 'group' ? 'avatar group' : 'avatar', 'aria-hidden': 'true', text: letters });
}

function initials(person) {
  if (!person) return '?';
  const words = (person.name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length > 0) return words.slice(0, 2).map((word) => [...word][0].toUpperCase()).join('');
  return (person.phone ?? '').replace(/\D/g, '').slice(-2) || '?';
}

function renderHeader() {
  const chat = currentChat();
  view.header.hidden = !chat;
  if (!chat) return;
  view.title.textContent = chat.title;
  view.participants.textContent = chat.participants.map((person) => (person.name ? `${person.name} (${person.phone})` : person.phone)).join(', ');
  view.avatar.replaceWith((view.avatar = avatar(chat)));
  view.avatar.id = 'conversation-avatar';
}

function currentChat() {
  return page.chats.find((chat) => chat.key === page.openKey);
}

// ---- messages --------------------------------------------------------------------------------

function renderMessages(messages) {
  if (page.openKey === undefined) return;
  const box = view.messages;
  const atBottom = box.childElementCount === 0 || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const chat = currentChat();
  const rows = [];
  let previous;
  for (const message of messages) {
    const day = dayLabel(message.timestamp);
    if (!previous || dayLabel(previous.timestamp) !== day) rows.push(el('p', { class: 'day', text: day }));
    const first = !previous || previous.from !== message.from || rows.at(-1).classList.contains('day');
    rows.push(messageRow(message, chat, first));
    previous = message;
  }
  if (rows.length === 0) rows.push(el('p', { class: 'empty', text: 'No messages in this chat yet.' }));
  box.replaceChildren(...rows);
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function messageRow(message, chat, first) {
  // fromMe means nothing network-wide: the chat's first participant sits on the right.
  const right = chat !== undefined && chat.participants[0]?.jid === message.from;
  const bubble = el(
    'div',
    { class: 'bubble' },
    first ? el('p', { class: 'sender', text: senderName(chat, message) }) : null,
    message.forwarded && !message.deleted
      ? el('p', { class: 'forwarded', 'data-testid': 'forwarded', text: message.forwardedManyTimes ? '↪↪ Forwarded many times' : '↪ Forwarded' })
      : null,
    ...content(message),
    meta(message),
  );
  return el(
    'div',
    { class: ['message', right ? 'right' : 'left', first ? 'first' : ''].join(' ').trim(), 'data-testid': 'message', 'data-id': message.id, 'data-kind': message.kind },
    bubble,
    message.reactions.length > 0 && !message.deleted ? reactions(message.reactions, chat) : null,
  );
}

function content(message) {
  if (message.deleted) return [el('p', { class: 'deleted', 'data-testid': 'message-deleted', text: '🚫 This message was deleted' })];
  const parts = [];
  for (const attachment of message.attachments ?? []) parts.push(attachmentCard(attachment));
  if (message.location) parts.push(el('p', { class: 'location', 'data-testid': 'message-location', text: locationLine(message.location) }));
  const contacts = message.contacts ?? (message.contact ? [message.contact] : []);
  for (const contact of contacts) parts.push(contactCard(contact));
  const text = message.text ?? message.caption;
  if (text !== undefined && text !== '') parts.push(el('p', { class: 'text', 'data-testid': 'message-text', text }));
  return parts;
}

const attachmentIcons = { image: '📷', video: '🎥', audio: '🎵', document: '📄' };

function attachmentCard(attachment) {
  return el(
    'div',
    { class: 'attachment', 'data-testid': 'attachment' },
    el('span', { class: 'attachment-icon', 'aria-hidden': 'true', text: attachmentIcons[attachment.type] ?? '📎' }),
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
    el('span', { class: 'contact-name', text: `👤 ${contact.displayName}` }),
    el('ul', { class: 'contact-phones' }, ...(contact.phones ?? []).map((phone) => el('li', { text: phone }))),
  );
}

/** "📍 Office, Tverskaya 1 (55.7558, 37.6173)" */
function locationLine({ latitude, longitude, name, address }) {
  const place = [name, address].filter(Boolean).join(', ');
  return `📍 ${place ? `${place} ` : ''}(${latitude}, ${longitude})`;
}

function meta(message) {
  return el(
    'div',
    { class: 'meta' },
    message.edited && !message.deleted ? el('span', { class: 'edited', 'data-testid': 'message-edited', title: fullTime(message.editedAt), text: 'edited' }) : null,
    el('time', { datetime: message.timestamp, title: fullTime(message.timestamp), text: shortTime(message.timestamp) }),
    ticks(message.status),
  );
}

const tickMarks = { sent: ['✓', 'Sent'], delivered: ['✓✓', 'Delivered'], read: ['✓✓', 'Read'] };

function ticks(status) {
  const [mark, label] = tickMarks[status] ?? ['', status];
  return el('span', { class: 'ticks', 'data-testid': 'message-status', 'data-status': status, title: label, 'aria-label': label, text: mark });
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

// ---- names, sizes, times ---------------------------------------------------------------------

function senderName(chat, message) {
  return message.fromName || nameOf(chat, message.from);
}

function nameOf(chat, jid) {
  const person = chat?.participants.find((participant) => participant.jid === jid);
  return person?.name || person?.phone || phoneOfJid(jid);
}

/** 1536 → "1.5 KB" */
function humanSize(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return 'unknown size';
  const units = ['B', 'KB', 'MB', 'GB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}

function shortTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

function fullTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

function dayLabel(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  if (date.toDateString() === new Date().toDateString()) return 'Today';
  return date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' });
}

// ---- live updates ----------------------------------------------------------------------------

const changedKeys = new Set();
const refresh = debounce(() => {
  const messagesChanged = page.openKey !== undefined && changedKeys.has(page.openKey);
  changedKeys.clear();
  void loadChats();
  if (messagesChanged) void loadMessages();
}, 100);

function listen() {
  const events = new EventSource('/v1/sandbox/events');
  let openedBefore = false;
  events.addEventListener('open', () => {
    view.live.dataset.live = 'on';
    view.live.textContent = 'Live';
    // Changes made while the stream was down were missed: read everything again.
    if (openedBefore) {
      void loadChats();
      void loadMessages();
    }
    openedBefore = true;
  });
  events.addEventListener('change', (event) => {
    try {
      const { key } = JSON.parse(event.data);
      if (typeof key === 'string') changedKeys.add(key);
    } catch {
      // A change we cannot read still means something changed.
    }
    refresh();
  });
  events.addEventListener('error', () => {
    view.live.dataset.live = 'off';
    view.live.textContent = events.readyState === EventSource.CLOSED ? 'Not live — reload the page' : 'Reconnecting…';
  });
}

// ---- start -----------------------------------------------------------------------------------

window.addEventListener('hashchange', () => {
  const key = decodeURIComponent(location.hash.slice(1));
  if (key && key !== page.openKey) openChat(key);
});
view.noSelection.hidden = page.openKey !== undefined;
listen();
void loadChats();
if (page.openKey !== undefined) void loadMessages();
