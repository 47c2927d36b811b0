/* global document, setTimeout, clearTimeout, setInterval, clearInterval */
// Small DOM helpers shared by the pages. Data only ever reaches the page as text nodes and
// attribute values, never as HTML, so a message saying "<img onerror=…>" stays a message.
import { t } from './i18n.js';

/**
 * Creates an element. `text` sets textContent, `class` the class list, `on*` adds a listener,
 * anything else becomes an attribute (skipped when null, undefined or false).
 *
 * @example el('p', { class: 'muted', 'data-testid': 'note' }, 'Hello ', el('b', {}, name))
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'class') node.className = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

/** Reads a JSON response; a failed one throws an Error whose message is the problem's detail and whose `code` is its code. */
export async function readJson(response) {
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = body?.detail || body?.title || t('page.serviceAnswered', { status: response.status });
    throw Object.assign(new Error(message), { status: response.status, code: body?.code });
  }
  return body;
}

/** Calls `run` once things have been quiet for `ms`. */
export function debounce(run, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}

/** "+79001234567" from "79001234567@s.whatsapp.net"; other JIDs unchanged. */
export function phoneOfJid(jid) {
  const [local = '', server] = String(jid).split('@');
  return server === 's.whatsapp.net' && /^\d+$/.test(local) ? `+${local}` : String(jid);
}

/**
 * Calls `show(seconds left)` now and every second until `at` (a Date.now() time), the last call
 * with 0. Returns the stop.
 *
 * @example const stop = countDown(Date.now() + 5000, (seconds) => (node.textContent = `${seconds} s`));
 */
export function countDown(at, show) {
  const tick = () => {
    const seconds = Math.max(0, Math.ceil((at - Date.now()) / 1000));
    show(seconds);
    if (seconds === 0) clearInterval(timer);
  };
  const timer = setInterval(tick, 1000);
  tick();
  return () => clearInterval(timer);
}
