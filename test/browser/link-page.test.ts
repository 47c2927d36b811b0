// The link page and the sandbox viewer in a real browser (Debian's Chromium, see
// scripts/ensure-chromium.sh): a person links a phone, copies the token that is shown exactly
// once, sends a message with it, and watches it in /sandbox. Then the same with the Baileys
// engine: the emulated phone scans the QR code decoded from the page's own image.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import jsqrModule from 'jsqr';
import type { Page } from 'playwright-core';
import { startService, type RunningService } from '../../src/service/index.js';
import { useBrowser } from '../support/browser.js';
import { emulatedWhatsApp } from '../support/whatsapp.js';
import { scanQr } from '../wa-emulator/index.js';

/** jsqr is a UMD bundle: Node's loader hands over its exports object, other loaders the function. */
const jsQR = (typeof jsqrModule === 'function' ? jsqrModule : jsqrModule.default) as typeof jsqrModule.default;
const ADMIN_KEY = 'test-admin-key';
const PHONE = '+79001234567';
const RECIPIENT = '+79001234568';
const { open: openPage, close: closePage, shoot } = useBrowser();

describe('link page', () => {
  let service: RunningService;
  let dataDir: string;
  /** Set by the linking story; the sandbox story reads what it sent. */
  let token: string | undefined;

  before(async () => {
    // The service keeps its generated secret key in the data folder; never the repository's.
    dataDir = await mkdtemp(join(tmpdir(), 'connector-browser-'));
    service = await startService({
      config: { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', engine: 'sandbox', adminKey: ADMIN_KEY, dataDir, logLevel: 'silent' },
    });
  });

  after(async () => {
    await service?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('a person scans the QR, sees the token once, and the token sends a message', async (t) => {
    const created = await post('/v1/sessions', {}, ADMIN_KEY);
    assert.ok(created.ok, await created.clone().text());
    const { sessionId, linkUrl } = (await created.json()) as { sessionId: string; linkUrl: string };
    assert.ok(linkUrl.endsWith(`/link/${sessionId}`), linkUrl);

    const page = await openPage(new URL(linkUrl, service.url).href);
    await page.locator('[data-testid=qr][src^="data:image/png"]').waitFor();
    assert.equal(await page.getByTestId('state').textContent(), 'linking');
    await shoot(page, 'link-qr.png', t);

    const scanned = await post('/v1/sandbox/scan', { sessionId, phone: PHONE });
    assert.ok(scanned.ok, await scanned.clone().text());

    await waitForState(page, 'connected');
    await page.getByTestId('token').waitFor();
    token = (await page.getByTestId('token').textContent()) ?? '';
    assert.match(token, /^wac_[A-Za-z0-9_-]{43,}$/);
    assert.match((await page.getByTestId('linked-phone').textContent()) ?? '', /79001234567/);
    assert.equal(await page.getByTestId('qr').isVisible(), false);
    await shoot(page, 'link-connected.png', t);

    const sent = await post('/v1/actions/sendMessage', { chat: RECIPIENT, text: 'hi' }, token);
    assert.equal(sent.status, 200, await sent.clone().text());

    await page.reload();
    await waitForState(page, 'connected');
    await page.getByTestId('token-hidden').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('token').count(), 0);
    await shoot(page, 'link-reloaded.png', t);
    await closePage(page);
  });

  test('the sandbox page shows the sent message in its chat', async (t) => {
    assert.ok(token, 'the linking story sends the message this one looks for');
    const page = await openPage(`${service.url}/sandbox`);
    // A one-to-one chat's key holds both JIDs.
    const chat = page.locator(`[data-testid=chat-item][data-key*="${RECIPIENT.slice(1)}@"]`);
    await chat.waitFor();
    await chat.click();
    await page.getByTestId('message-text').filter({ hasText: /^hi$/ }).waitFor();
    assert.equal(await page.getByTestId('message').count(), 1);
    await shoot(page, 'sandbox.png', t);

    // Live: a second message appears without a reload.
    const sent = await post('/v1/actions/sendMessage', { chat: RECIPIENT, text: 'second, live' }, token);
    assert.equal(sent.status, 200, await sent.clone().text());
    await page.getByTestId('message-text').filter({ hasText: 'second, live' }).waitFor();
    await closePage(page);
  });

  const post = (path: string, body: unknown, bearer?: string) => postTo(service, path, body, bearer);
});

describe('link page with the Baileys engine', () => {
  const PHONE_DIGITS = '79005550001';
  let service: RunningService;
  let whatsapp: Awaited<ReturnType<typeof emulatedWhatsApp>>;

  before(async () => {
    whatsapp = await emulatedWhatsApp();
    whatsapp.emulator.addAccount(RECIPIENT.slice(1));
    const dataDir = await mkdtemp(join(tmpdir(), 'connector-browser-'));
    service = await startService({
      ...whatsapp.startOptions,
      config: { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', ...whatsapp.config, adminKey: ADMIN_KEY, dataDir, logLevel: 'silent' },
    });
  });

  after(async () => {
    await service?.close();
    await whatsapp?.close();
  });

  test('the phone scans the QR code the page shows; the page shows the token, which sends through the linked device', async (t) => {
    const created = await postTo(service, '/v1/sessions', {}, ADMIN_KEY);
    const { linkUrl } = (await created.json()) as { linkUrl: string };
    const page = await openPage(linkUrl);
    const image = page.locator('[data-testid=qr][src^="data:image/png"]');
    await image.waitFor();
    const qr = await decodeQr(page, '[data-testid=qr]');
    assert.match(qr, /^https:\/\/wa\.me\/settings\/linked_devices#2@/);
    await shoot(page, 'link-qr-baileys.png', t);

    whatsapp.emulator.addAccount(PHONE_DIGITS);
    await scanQr(whatsapp.emulator, PHONE_DIGITS, qr);
    await waitForState(page, 'connected');
    const token = (await page.getByTestId('token').textContent()) ?? '';
    assert.match(token, /^wac_/);
    assert.match((await page.getByTestId('linked-phone').textContent()) ?? '', new RegExp(PHONE_DIGITS));
    await closePage(page);

    const sent = await postTo(service, '/v1/actions/sendMessage', { chat: RECIPIENT, text: 'hi from a linked device' }, token);
    assert.equal(sent.status, 200, await sent.clone().text());
    const received = await whatsapp.emulator.inbox.waitFor((m) => m.recipient === RECIPIENT.slice(1));
    assert.equal(received.message.extendedTextMessage?.text ?? received.message.conversation, 'hi from a linked device');
  });
});

function postTo(service: RunningService, path: string, body: unknown, bearer?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return fetch(`${service.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

/**
 * Reads the QR code off the page's image, as a phone's camera would: the pixels the page drew,
 * not the page's data. (A string runs in the page; this project's types know no DOM.)
 */
async function decodeQr(page: Page, selector: string): Promise<string> {
  const pixels = (await page.evaluate(`(() => {
    const image = document.querySelector(${JSON.stringify(selector)});
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    let binary = '';
    for (let at = 0; at < data.data.length; at += 0x8000) binary += String.fromCharCode.apply(null, data.data.subarray(at, at + 0x8000));
    return { width: data.width, height: data.height, rgba: btoa(binary) };
  })()`)) as { width: number; height: number; rgba: string };
  const decoded = jsQR(new Uint8ClampedArray(Buffer.from(pixels.rgba, 'base64')), pixels.width, pixels.height);
  assert.ok(decoded, 'the image holds a readable QR code');
  return decoded.data;
}

async function waitForState(page: Page, state: string): Promise<void> {
  await page.getByTestId('state').filter({ hasText: new RegExp(`^${state}$`) }).waitFor();
}
