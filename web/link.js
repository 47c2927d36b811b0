/* global document, location, EventSource, AbortController, setTimeout, clearTimeout, fetch */
// The "Link a device" page: follows a session's link stream (QR codes, pairing codes, WhatsApp out
// of reach, the linked account and its token, shown once) and lets a person ask for a pairing code.
import { countDown, phoneOfJid, readJson } from './dom.js';
import { errorInWords, has, t } from './i18n.js';
import { tokenAlreadyShown, tokenBox } from './token-box.js';

const sessionId = decodeURIComponent(location.pathname.split('/').filter(Boolean).at(-1) ?? '');
const sessionPath = `/v1/sessions/${encodeURIComponent(sessionId)}`;

const $ = (selector) => document.querySelector(selector);
const view = {
  status: $('.status'),
  state: $('[data-testid=state]'),
  stateLabel: $('[data-testid=state-label]'),
  panels: { linking: $('#linking'), linked: $('#linked'), failed: $('#failed'), ended: $('#ended') },
  unreachable: $('[data-testid=unreachable]'),
  qrMode: $('#qr-mode'),
  phoneMode: $('#phone-mode'),
  qrBox: $('#qr-box'),
  qr: $('[data-testid=qr]'),
  qrPlaceholder: $('#qr-placeholder'),
  qrPlaceholderText: $('#qr-placeholder-text'),
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

/** A QR that claims to live longer than this comes from a clock we cannot compare with ours. */
const maxQrLifeMs = 5 * 60_000;

const page = {
  failed: false,
  /** Set once this page has shown a token: a later `connected` without one must not hide it. */
  tokenShown: false,
  stopQrCountdown: () => {},
  stopUnreachableCountdown: () => {},
};

// ---- state and panels ------------------------------------------------------------------------

function showPanel(name) {
  for (const [key, panel] of Object.entries(view.panels)) panel.hidden = key !== name;
}

function showStateWord(state) {
  view.state.textContent = state;
  view.stateLabel.textContent = has(`link.state.${state}`) ? t(`link.state.${state}`) : state;
  view.status.dataset.state = state;
}

function applyState({ state, jid, phone }) {
  showStateWord(state);
  hideUnreachable();

  if (state === 'linking') {
    page.failed = false;
    showPanel('linking');
  } else if (state === 'connected' || state === 'reconnecting') {
    page.failed = false;
    if (phone || jid) view.linkedPhone.textContent = phone || phoneOfJid(jid);
    view.linkedNote.textContent = state === 'connected' ? t('link.linkedNote') : t('link.reconnectingNote');
    stopQrCountdown();
    showPanel('linked');
  } else if (!page.failed) {
    stopQrCountdown();
    view.endedTitle.textContent = state === 'logged_out' ? t('link.loggedOutTitle') : t('link.stoppedTitle');
    view.endedText.textContent = state === 'logged_out' ? t('link.loggedOutText') : t('link.stoppedText');
    showPanel('ended');
  }
}

// ---- QR code ---------------------------------------------------------------------------------

function showQr({ image, expiresAt }) {
  if (typeof image !== 'string' || !image.startsWith('data:image/')) return;
  hideUnreachable();
  view.qr.src = image;
  view.qr.hidden = false;
  view.qrPlaceholder.hidden = true;
  view.qrBox.classList.remove('expired');
  stopQrCountdown();
  // A browser clock far off the service's (or a test's manual clock) makes a countdown meaningless.
  const plausible = typeof expiresAt === 'number' && expiresAt > Date.now() && expiresAt - Date.now() <= maxQrLifeMs;
  if (!plausible) return;
  page.stopQrCountdown = countDown(expiresAt, (seconds) => {
    view.countdown.textContent = seconds > 0 ? t('link.newCodeIn', { seconds }) : t('link.gettingNewCode');
    view.qrBox.classList.toggle('expired', seconds === 0);
  });
}

function stopQrCountdown() {
  page.stopQrCountdown();
  view.countdown.textContent = '';
}

// ---- WhatsApp out of reach -------------------------------------------------------------------

/** The engine cannot reach WhatsApp and tries again in `retryInMs`; the QR it showed is gone. */
function showUnreachable({ reason, retryInMs }) {
  page.stopUnreachableCountdown();
  stopQrCountdown();
  view.qr.hidden = true;
  view.qrPlaceholder.hidden = false;
  view.pairingCode.hidden = true;
  view.pairingCaption.textContent = t('link.pairingPrompt');
  view.unreachable.hidden = false;
  view.qrPlaceholderText.textContent = t('link.waitingForWhatsApp');
  const words = String(reason ?? '?');
  const at = Date.now() + (Number.isFinite(retryInMs) ? retryInMs : 0);
  page.stopUnreachableCountdown = countDown(at, (seconds) => {
    view.unreachable.textContent = seconds > 0 ? t('link.unreachable', { reason: words, seconds }) : t('link.unreachableRetrying', { reason: words });
  });
}

function hideUnreachable() {
  page.stopUnreachableCountdown();
  view.unreachable.hidden = true;
  view.qrPlaceholderText.textContent = t('link.preparingQr');
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
  view.pairingCaption.textContent = t('link.pairingShown');
  setMode('phone');
}

async function requestPairingCode(event) {
  event.preventDefault();
  const phone = view.phoneInput.value.trim();
  view.pairingError.hidden = true;
  if (!phone) return showPairingError({ message: t('link.phoneMissing') });
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
    showPairingError(error instanceof TypeError ? { message: t('link.offline') } : error);
  } finally {
    submit.disabled = false;
  }
}

/** The service's detail stays on hand as a tooltip, for whoever helps the person. */
function showPairingError(error) {
  view.pairingError.textContent = errorInWords(error);
  view.pairingError.title = error.code ? `${error.code}: ${error.message}` : '';
  view.pairingError.dataset.code = error.code ?? '';
  view.pairingError.hidden = false;
}

// ---- linked ----------------------------------------------------------------------------------

function showConnected({ jid, phone, token }) {
  // Being told of the link is being told the session is connected, whatever came before.
  showStateWord('connected');
  hideUnreachable();
  page.failed = false;
  view.linkedPhone.textContent = phone || phoneOfJid(jid);
  stopQrCountdown();
  showPanel('linked');
  if (token) {
    page.tokenShown = true;
    view.tokenArea.replaceChildren(tokenBox(token));
  } else if (!page.tokenShown) {
    view.tokenArea.replaceChildren(tokenAlreadyShown());
  }
}

// ---- failed ----------------------------------------------------------------------------------

function showFailed({ reason }) {
  page.failed = true;
  const word = String(reason ?? 'unknown');
  view.error.textContent = word;
  view.failedText.textContent = has(`link.failed.${word}`) ? t(`link.failed.${word}`) : t('link.failedText');
  stopQrCountdown();
  hideUnreachable();
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
  unreachable: showUnreachable,
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

/** EventSource hides why a stream was refused; ask once more to read the problem. */
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
    const message = problem.detail || problem.title || t('page.serviceAnswered', { status: response.status });
    showUnavailable(errorInWords({ code: problem.code, message }), problem.code);
  } catch {
    view.streamNote.hidden = false;
    retryTimer = setTimeout(connect, 3000);
  } finally {
    abort.abort();
  }
}

function showUnavailable(words, code) {
  view.state.textContent = '';
  view.stateLabel.textContent = t('link.state.unavailable');
  view.status.dataset.state = 'unavailable';
  view.streamNote.hidden = true;
  view.endedTitle.textContent = t('link.brokenTitle');
  view.endedText.textContent = t('link.brokenText', { reason: /[.!?]$/.test(words) ? words : `${words}.` });
  view.endedText.dataset.code = code ?? '';
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
  showUnavailable(t('link.noSession'));
}
