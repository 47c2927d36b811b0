/* global window, document, location, history, EventSource, fetch */
// The sandbox viewer: every chat of the virtual network on the left, the open chat on the right
// (on a phone, one at a time), refetched whenever the network reports a change.
import { debounce, el, readJson } from './dom.js';
import { shortTime } from './format.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { isMine, messageRows, previewParts } from './sandbox-chat.js';
import { composer } from './sandbox-composer.js';

const $ = (selector) => document.querySelector(selector);
const view = {
  sandbox: $('.sandbox'),
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
  composer: composer({ form: $('[data-testid=composer]'), from: $('[data-testid=composer-from]'), text: $('[data-testid=composer-text]'), error: $('[data-testid=composer-error]') }),
};

const page = {
  chats: [],
  /** The open chat's messages, rendered again when names or participants arrive later. */
  messages: undefined,
  /** Key of the open chat; kept in the address's #fragment so a reload keeps it open. */
  openKey: decodeURIComponent(location.hash.slice(1)) || undefined,
  /** Whether the reader is at the newest message: new ones (and pictures that load) keep them there. */
  atBottom: true,
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
    if (page.openKey === undefined && page.chats[0]) return openChat(page.chats[0].key, { show: false });
    renderChatList();
    renderHeader();
    if (page.messages) renderMessages(page.messages);
  } catch (error) {
    showLoadError(t('sandbox.chatsFailed', { error: error.message }));
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
    showLoadError(t('sandbox.messagesFailed', { error: error.message }));
  }
}

/** Opens a chat; `show` also brings it forward on a phone, where the list and the chat take turns. */
function openChat(key, { show = true } = {}) {
  const changed = key !== page.openKey;
  page.openKey = key;
  history.replaceState(null, '', `#${encodeURIComponent(key)}`);
  if (show) view.sandbox.dataset.showing = 'chat';
  renderChatList();
  renderHeader();
  if (changed) {
    page.messages = undefined;
    page.atBottom = true;
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
    el('span', { class: 'chat-title', 'data-testid': 'chat-item-title', text: chatTitle(chat) }),
    el('span', { class: 'chat-time', text: last ? shortTime(last.timestamp) : '' }),
    el('span', { class: 'chat-preview' }, ...previewParts(chat)),
    el('span', { class: 'chat-count', title: t('sandbox.messageCount', { count: chat.messageCount }), text: String(chat.messageCount) }),
  );
  return el('li', {}, item);
}

/**
 * The service names a chat after its other party; when two linked accounts talk to the same
 * person, the linked side is added so that the two chats differ.
 */
function chatTitle(chat) {
  const namesake = page.chats.some((other) => other !== chat && other.kind === 'direct' && other.title === chat.title);
  if (chat.kind === 'group' || !namesake) return chat.title;
  const mine = chat.participants.filter((person) => isMine(chat, person.jid)).map(personName);
  return `${chat.title} · ${mine.join(', ')}`;
}

function personName(person) {
  return person.name || person.phone;
}

function avatar(chat) {
  const other = chat.participants.find((person) => !isMine(chat, person.jid)) ?? chat.participants.at(-1);
  const letters = chat.kind === 'group' ? initials({ name: chat.title }) : initials(other);
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
  view.composer.show(chat);
  if (!chat) return;
  view.title.textContent = chatTitle(chat);
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
  view.messages.replaceChildren(...messageRows(messages, currentChat(), { onPicture: keepAtBottom }));
  keepAtBottom();
}

function keepAtBottom() {
  if (page.atBottom) view.messages.scrollTop = view.messages.scrollHeight;
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
    view.live.textContent = t('sandbox.live');
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
    view.live.textContent = events.readyState === EventSource.CLOSED ? t('sandbox.notLive') : t('sandbox.reconnecting');
  });
}

// ---- start -----------------------------------------------------------------------------------

window.addEventListener('hashchange', () => {
  const key = decodeURIComponent(location.hash.slice(1));
  if (key && key !== page.openKey) openChat(key);
});
view.messages.addEventListener('scroll', () => {
  const box = view.messages;
  page.atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
});
$('#back').append(icon('back'));
$('#back').addEventListener('click', () => (view.sandbox.dataset.showing = 'list'));
// An address naming a chat opens on it, on a phone too.
if (page.openKey !== undefined) view.sandbox.dataset.showing = 'chat';
view.noSelection.hidden = page.openKey !== undefined;
listen();
void loadChats();
if (page.openKey !== undefined) void loadMessages();
