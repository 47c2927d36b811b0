/* global document, navigator, setTimeout */
// The token of a newly linked phone, shown once, with a Copy button.
import { el } from './dom.js';
import { t } from './i18n.js';

/** The box that shows `token` once, with its warning and a Copy button. */
export function tokenBox(token) {
  const code = el('code', { class: 'token', 'data-testid': 'token', text: token });
  const copy = el('button', { type: 'button', class: 'primary copy', 'data-testid': 'copy-token', text: t('link.copy') });
  copy.addEventListener('click', async () => {
    const copied = await copyText(token, code);
    copy.textContent = copied ? t('link.copied') : t('link.selectAndCopy');
    setTimeout(() => (copy.textContent = t('link.copy')), 2000);
  });
  return el(
    'div',
    { class: 'token-box' },
    el('p', { class: 'token-title', text: t('link.tokenTitle') }),
    el('div', { class: 'token-row' }, code, copy),
    el('p', { class: 'warning', 'data-testid': 'token-warning', text: t('link.tokenWarning') }),
  );
}

/** Said instead of the token to a page opened after another one showed it. */
export function tokenAlreadyShown() {
  return el('p', { class: 'token-hidden', 'data-testid': 'token-hidden', text: t('link.tokenHidden') });
}

async function copyText(text, node) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The clipboard API needs a secure context; plain-http deployments get the text selected.
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return false;
  }
}
