/* global document, location, navigator, EventSource, AbortController, setInterval, clearInterval, setTimeout, clearTimeout, fetch */
// The "Link a device" page: follows a session's link stream (QR codes, pairing codes, the linked
// account and its token, shown once) and lets a person ask for a pairing code instead.
import { el, phoneOfJid, readJson } from './dom.js';

const sessionId = decodeURIComponent(location.pathname.split('/').filter(Boolean).at(-1) ?? '');
const sessionPath = `/v1/sessions/${encodeURIComponent(sessionId)}`;

const $ = (selector) => document.querySelector(selector);
const view = {
  status: $('.status'),
  state: $('[data-testid=state]'),
  stateLabel: $('[data-testid=state-label]'),
  panels: { linking: $('#linking'), linked: $('#linked'), failed: $('#failed'), ended: $('#ended') },
  qrMode: $('#qr-mode'),
  phoneMode: $('#phone-mode'),
  qrBox: $('#qr-box'),
  qr: $('[data-testid=qr]'),
  qrPlaceholder: $('#qr-placeholder'),
  countdown: $('[data-testid=qr-countdown]'),
  pairingBox: $('#pairing-box'),
  pairingCaption: $('#pairing-caption'),
  pairingCode: $('[data-testid=pairing-code]'),
  pairingForm: $('#pairing-form'),
  pairingError: $('[data-testid=pairing-error]'),
  phoneInput: $('#phone'),
  linkedPhone: $('[data-testid=linked-phone]'),
  linkedNote: $('#linked-note'),
  tokenArea: $('#token-area'),
  failedText: $('#failed-text'),
  error: $('[data-testid=error]'),
  endedTitle: $('#ended-title'),
  endedText: $('#ended-text'),
  streamNote: $('[data-testid=stream-note]'),
};

const stateLabels = {
  linking: 'Waiting for your phone',
  connected: 'Linked',
  reconnecting: 'Linked — reconnecting to WhatsApp…',
  stopped: 'Stopped',
  logged_out: 'Logged out',
};

const failureTexts = {
  'qr-timeout': 'Nobody scanned the QR code in time.',
  'pairing-timeout': 'The pairing code was not entered in time.',
};

/** A QR that claims to live longer than this comes from a clock we cannot compare with ours. */
const maxQrLifeMs = 5 * 60_000;

const page = {
  failed: false,
  /** Set once this page has shown a token: a later `connected` without one must not hide it. */
  tokenShown: false,
  qrExpiresAt: undefined,
};

// ---- state and panels ------------------------------------------------------------------------

function showPanel(name) {
  for (const [key, panel] of Object.entries(view.panels)) panel.hidden = key !== name;
}

function showStateWord(state) {
  view.state.textContent = state;
  view.stateLabel.textContent = stateLabels[state] ?? state;
  view.status.dataset.state = state;
}

function applyState({ state, jid, phone }) {
  showStateWord(state);

  if (state === 'linking') {
    page.failed = false;
    showPanel('linking');
  } else if (state === 'connected' || state === 'reconnecting') {
    page.failed = false;
    if (phone || jid) view.linkedPhone.textContent = phone || phoneOfJid(jid);
    view.linkedNote.textContent =
      state === 'connected' ? 'This device is linked. You can put your phone away.' : 'The link is kept; the service is reconnecting to WhatsApp.';
    stopCountdown();
    showPanel('linked');
  } else if (!page.failed) {
    stopCountdown();
    view.endedTitle.textContent = state === 'logged_out' ? 'Logged out' : 'Session stopped';
    view.endedText.textContent =
      state === 'logged_out'
        ? 'This device was removed from the phone or logged out. Ask an administrator for a new link.'
        : 'This session is not linking right now. Ask an administrator to start it again.';
    showPanel('ended');
  }
}

// ---- QR code ---------------------------------------------------------------------------------

function showQr({ image, expiresAt }) {
  if (typeof image !== 'string' || !image.startsWith('data:image/')) return;
  view.qr.src = image;
  view.qr.hidden = false;
  view.qrPlaceholder.hidden = true;
  view.qrBox.classList.remove('expired');
  // A browser clock far off the service's (or a test's manual clock) makes a countdown meaningless.
  const plausible = typeof expiresAt === 'number' && expiresAt > Date.now() && expiresAt - Date.now() <= maxQrLifeMs;
  page.qrExpiresAt = plausible ? expiresAt : undefined;
  startCountdown();
}

let countdownTimer;

function startCountdown() {
  stopCountdown();
  tick();
  countdownTimer = setInterval(tick, 1000);
}

function stopCountdown() {
  clearInterval(countdownTimer);
  view.countdown.textContent = '';
}

function tick() {
  if (page.qrExpiresAt === undefined) return stopCountdown();
  const seconds = Math.ceil((page.qrExpiresAt - Date.now()) / 1000);
  if (seconds > 0) {
    view.countdown.textContent = `A new code in ${seconds} s`;
  } else {
    view.countdown.textContent = 'Getting a new code…';
    view.qrBox.classList.add('expired');
    clearInterval(countdownTimer);
  }
}

// ---- pairing code ----------------------------------------------------------------------------

function setMode(mode) {
  view.qrMode.hidden = mode !== 'qr';
  view.qrBox.hidden = mode !== 'qr';
  view.phoneMode.hidden = mode !== 'phone';
  view.pairingBox.hidden = mode !== 'phone';
  if (mode === 'phone') view.phoneInput.focus();
}

/** "ABCD1234" → "ABCD-1234", as WhatsApp shows it. */
function formatPairingCode(code) {
  const clean = String(code).replace(/[\s-]/g, '').toUpperCase();
  return clean.length === 8 ? `${clean.slice(0, 4)}-${clean.slice(4)}` : clean;
}

function showPairingCode({ code }) {
  if (!code) return;
  view.pairingCode.textContent = formatPairingCode(code);
  view.pairingCode.hidden = false;
  view.pairingCaption.textContent = 'Enter this code on your phone';
  setMode('phone');
}

async function requestPairingCode(event) {
  event.preventDefault();
  const phone = view.phoneInput.value.trim();
  view.pairingError.hidden = true;
  if (!phone) return showPairingError('Enter the phone number of your WhatsApp account, e.g. +7 900 123-45-67.');
  const submit = view.pairingForm.querySelector('button[type=submit]');
  submit.disabled = true;
  try {
    const response = await fetch(`${sessionPath}/pairing-code`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
      body: JSON.stringify({ phone }),
    });
    showPairingCode(await readJson(response));
  } catch (error) {
    showPairingError(error instanceof TypeError ? 'Could not reach the service. Check your connection and try again.' : error.message);
  } finally {
    submit.disabled = false;
  }
}

function showPairingError(message) {
  view.pairingError.textContent = message;
  view.pairingError.hidden = false;
}

// ---- linked ----------------------------------------------------------------------------------

function showConnected({ jid, phone, token }) {
  // Being told of the link is being told the session is connected, whatever came before.
  showStateWord('connected');
  page.failed = false;
  view.linkedPhone.textContent = phone || phoneOfJid(jid);
  stopCountdown();
  showPanel('linked');
  if (token) {
    page.tokenShown = true;
    view.tokenArea.replaceChildren(tokenBox(token));
  } else if (!page.tokenShown) {
    view.tokenArea.replaceChildren(
      el('p', { class: 'token-hidden', 'data-testid': 'token-hidden', text: 'The token was already shown. Ask an administrator for a new one.' }),
    );
  }
}

function tokenBox(token) {
  const code = el('code', { class: 'token', 'data-testid': 'token', text: token });
  const copy = el('button', { type: 'button', class: 'primary copy', 'data-testid': 'copy-token', text: 'Copy' });
  copy.addEventListener('click', async () => {
    const copied = await copyText(token, code);
    copy.textContent = copied ? 'Copied' : 'Select and copy';
    setTimeout(() => (copy.textContent = 'Copy'), 2000);
  });
  return el(
    'div',
    { class: 'token-box' },
    el('p', { class: 'token-title', text: 'API token for this phone' }),
    el('div', { class: 'token-row' }, code, copy),
    el('p', { class: 'warning', 'data-testid': 'token-warning', text: 'Shown once — store it now. It will not be shown again.' }),
  );
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

// ---- failed ----------------------------------------------------------------------------------

function showFailed({ reason }) {
  page.failed = true;
  const word = String(reason ?? 'unknown');
  view.error.textContent = word;
  view.failedText.textContent = failureTexts[word] ?? 'Linking did not complete.';
  stopCountdown();
  showPanel('failed');
}

// ---- the stream ------------------------------------------------------------------------------

let stream;
let retryTimer;

const handlers = {
  state: applyState,
  qr: showQr,
  'pairing-code': showPairingCode,
  connected: showConnected,
  failed: showFailed,
};

function connect() {
  clearTimeout(retryTimer);
  stream?.close();
  stream = new EventSource(`${sessionPath}/link`);
  stream.addEventListener('open', () => (view.streamNote.hidden = true));
  for (const [name, handle] of Object.entries(handlers)) {
    stream.addEventListener(name, (event) => {
      view.streamNote.hidden = true;
      const data = parse(event.data);
      if (data) handle(data);
    });
  }
  stream.addEventListener('error', () => {
    // While CONNECTING the browser retries by itself; CLOSED means the service refused the stream.
    if (stream.readyState === EventSource.CLOSED) void explainRefusal();
    else view.streamNote.hidden = false;
  });
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** EventSource hides why a stream was refused; ask once more to read the problem's detail. */
async function explainRefusal() {
  const abort = new AbortController();
  try {
    const response = await fetch(`${sessionPath}/link`, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
    if (response.ok) {
      view.streamNote.hidden = false;
      retryTimer = setTimeout(connect, 3000);
      return;
    }
    const problem = await response.json().catch(() => ({}));
    showUnavailable(problem.detail || problem.title || `The service answered ${response.status}.`);
  } catch {
    view.streamNote.hidden = false;
    retryTimer = setTimeout(connect, 3000);
  } finally {
    abort.abort();
  }
}

function showUnavailable(detail) {
  view.state.textContent = '';
  view.stateLabel.textContent = 'Unavailable';
  view.status.dataset.state = 'unavailable';
  view.streamNote.hidden = true;
  view.endedTitle.textContent = 'This link does not work';
  view.endedText.textContent = `${/[.!?]$/.test(detail) ? detail : `${detail}.`} Ask an administrator for a new link.`;
  showPanel('ended');
}

// ---- start -----------------------------------------------------------------------------------

document.querySelector('[data-testid=session-id]').textContent = sessionId;
$('#use-phone').addEventListener('click', () => setMode('phone'));
$('#use-qr').addEventListener('click', () => setMode('qr'));
$('#retry').addEventListener('click', () => {
  page.failed = false;
  view.qr.hidden = true;
  view.qrPlaceholder.hidden = false;
  showPanel('linking');
  connect();
});
view.pairingForm.addEventListener('submit', (event) => void requestPairingCode(event));

if (sessionId) {
  setMode('qr');
  connect();
} else {
  showUnavailable('This link has no session in it.');
}
