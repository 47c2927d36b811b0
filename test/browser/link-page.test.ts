// The link page and the sandbox viewer in a real browser (Debian's Chromium, see
// scripts/ensure-chromium.sh) against the service in sandbox mode: a person links a phone, copies
// the token that is shown exactly once, sends a message with it, and watches it in /sandbox.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startService, type RunningService } from '../../src/service/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'test-admin-key';
const PHONE = '+79001234567';
const RECIPIENT = '+79001234568';
const screenshots = join(tmpdir(), 'whatsapp-connector-screenshots');

describe('link page', () => {
  let service: RunningService;
  let browser: Browser;
  let dataDir: string;
  /** Set by the linking story; the sandbox story reads what it sent. */
  let token: string | undefined;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-chromium.sh`);
    await mkdir(screenshots, { recursive: true });
    // The service keeps its generated secret key in the data folder; never the repository's.
    dataDir = await mkdtemp(join(tmpdir(), 'connector-browser-'));
    service = await startService({
      config: { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', engine: 'sandbox', adminKey: ADMIN_KEY, dataDir, logLevel: 'silent' },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    // The browser first: its open event streams would otherwise keep the service from closing.
    await browser?.close();
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

  const pageErrors = new WeakMap<Page, string[]>();

  async function openPage(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const errors: string[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    return page;
  }

  async function closePage(page: Page): Promise<void> {
    await page.close();
    assert.deepEqual(pageErrors.get(page), [], 'the page threw');
  }

  async function post(path: string, body: unknown, bearer?: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    return fetch(`${service.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  }
});

async function waitForState(page: Page, state: string): Promise<void> {
  await page.getByTestId('state').filter({ hasText: new RegExp(`^${state}$`) }).waitFor();
}

async function shoot(page: Page, name: string, t: TestContext): Promise<void> {
  const path = join(screenshots, name);
  await page.screenshot({ path, fullPage: true });
  t.diagnostic(`screenshot: ${path}`);
}
