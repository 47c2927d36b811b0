/* global fetch */
// The reply box under an open chat: a person types what a client writes, as that client, so a
// session receives it (message.received, a process waiting for the reply) as from a real phone.
import { el, readJson } from './dom.js';
import { t } from './i18n.js';
import { isMine } from './sandbox-chat.js';

/**
 * Who may write in `chat` and to whom: in a group each client writes to the group; in a direct
 * chat the client writes to the other party (the linked account).
 */
export function writers(chat) {
  if (!chat) return [];
  const clients = chat.participants.filter((person) => !isMine(chat, person.jid));
  if (chat.kind === 'group') return clients.map((person) => ({ person, to: chat.key }));
  const other = (person) => chat.participants.find((someone) => someone.jid !== person.jid);
  return clients.flatMap((person) => (other(person) ? [{ person, to: other(person).phone }] : []));
}

/** Binds the composer's form; `show(chat)` fills it for the open chat (hidden when no one can write). */
export function composer({ form, from, text, error }) {
  let choices = [];
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = choices[Number(from.value)];
    const words = text.value;
    if (!choice || words.trim() === '') return;
    form.setAttribute('aria-busy', 'true');
    try {
      const body = { from: choice.person.phone, to: choice.to, text: words };
      await readJson(await fetch('/v1/sandbox/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
      text.value = '';
      error.hidden = true;
    } catch (failure) {
      error.textContent = t('sandbox.replyFailed', { error: failure.message });
      error.hidden = false;
    } finally {
      form.removeAttribute('aria-busy');
      text.focus();
    }
  });
  return {
    show(chat) {
      const next = writers(chat);
      const same = next.length === choices.length && next.every((choice, i) => choice.person.jid === choices[i].person.jid);
      choices = next;
      form.hidden = choices.length === 0;
      if (same) return;
      from.replaceChildren(...choices.map(({ person }, i) => el('option', { value: String(i), text: person.name ? `${person.name} (${person.phone})` : person.phone })));
    },
  };
}
