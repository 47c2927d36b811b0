// The link page in the language a person's browser asks for (Accept-Language, or ?lang= in the
// address), and WhatsApp out of reach said in words: the page counts down to the next attempt and
// a refused pairing code is explained, not shown as a code.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startService, type RunningService } from '../../src/service/index.js';
import { useBrowser } from '../support/browser.js';
import { waitLimitMs } from '../support/eventually.js';
import { startTestService, type TestService } from '../support/service.js';
import { unreachableWaUrl } from '../support/whatsapp.js';

const ADMIN_KEY = 'test-admin-key';
const browser = useBrowser();
const wait = { timeout: waitLimitMs };

describe('the link page speaks the browser’s language', () => {
  let service: RunningService;
  let dataDir: string;
  let linkUrl: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'connector-browser-'));
    service = await startService({
      config: { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', engine: 'sandbox', adminKey: ADMIN_KEY, dataDir, logLevel: 'silent' },
    });
    const created = await fetch(`${service.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: '{}' });
    linkUrl = ((await created.json()) as { linkUrl: string }).linkUrl;
  });

  after(async () => {
    await service?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('a browser that asks for no language gets English, and caches know the page varies by Accept-Language', async () => {
    const response = await fetch(linkUrl);
    assert.match(await response.text(), /<html lang="en">[\s\S]*<h1>Link WhatsApp<\/h1>/);
    assert.match(response.headers.get('vary') ?? '', /accept-language/i);
    assert.equal(response.headers.get('content-language'), 'en');

    const page = await browser.open(linkUrl, { locale: 'de-DE' });
    await page.getByTestId('qr-countdown').filter({ hasText: /^A new code in \d+ s$/ }).waitFor(wait);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getByTestId('state-label').textContent(), 'Waiting for your phone');
    await browser.close(page);
  });

  test('Accept-Language: ru gets the page in Russian, the texts its script writes too', async () => {
    const page = await browser.open(linkUrl, { extraHTTPHeaders: { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' } });
    await expectRussian(page);
    await browser.close(page);
  });

  test('?lang=ru overrides an English browser, ?lang=en a Russian one', async () => {
    const russian = await browser.open(`${linkUrl}?lang=ru`, { locale: 'en-US' });
    await expectRussian(russian);
    await browser.close(russian);

    const english = await browser.open(`${linkUrl}?lang=en`, { locale: 'ru-RU' });
    await english.getByTestId('state-label').filter({ hasText: /^Waiting for your phone$/ }).waitFor(wait);
    assert.equal(await english.locator('h1').textContent(), 'Link WhatsApp');
    await browser.close(english);
  });

  test('a pairing code the service refuses is explained in words, in Russian', async () => {
    const page = await browser.open(linkUrl, { locale: 'ru-RU' });
    await page.getByTestId('use-phone').click();
    await page.getByTestId('phone-input').fill('12');
    await page.getByTestId('pairing-submit').click();
    const error = page.locator('[data-testid=pairing-error][data-code=VALIDATION_ERROR]');
    await error.waitFor(wait);
    assert.match((await error.textContent()) ?? '', /^Сервис не принял запрос\. Проверьте номер/);
    await browser.close(page);
  });

  test('a link to a session that does not exist says so in words, in Russian', async () => {
    const page = await browser.open(`${service.url}/link/no-such-session`, { locale: 'ru-RU' });
    const text = page.locator('#ended-text[data-code=SESSION_NOT_FOUND]');
    await text.waitFor(wait);
    assert.equal(await page.locator('#ended-title').textContent(), 'Эта ссылка не работает');
    assert.match((await text.textContent()) ?? '', /^Такого сеанса нет: .* Попросите у администратора новую ссылку\.$/);
    await browser.close(page);
  });
});

async function expectRussian(page: Page): Promise<void> {
  await page.getByTestId('qr-countdown').filter({ hasText: /^Новый код через \d+ с$/ }).waitFor(wait);
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');
  assert.equal(await page.title(), 'Привязка WhatsApp');
  assert.equal(await page.getByTestId('state-label').textContent(), 'Ждём ваш телефон');
  assert.equal(await page.locator('.steps li strong').first().textContent(), 'WhatsApp');
  assert.equal(await page.getByTestId('use-phone').textContent(), 'Привязать по номеру телефона');
}

describe('the link page with WhatsApp out of reach', () => {
  let service: TestService;
  let linkUrl: string;

  before(async () => {
    service = await startTestService({ engine: 'baileys', waUrl: await unreachableWaUrl() });
    linkUrl = (await service.admin<{ linkUrl: string }>('POST', '/v1/sessions')).body.linkUrl;
  });

  after(() => service?.close());

  test('says it cannot reach WhatsApp, why, and when it tries again; a pairing code is refused in words', async () => {
    const page = await browser.open(linkUrl, { locale: 'ru-RU' });
    const note = page.getByTestId('unreachable');
    await note.filter({ hasText: /^Нет связи с WhatsApp \(.*ECONNREFUSED.*\), (повтор через \d+ с|пробуем снова…)$/ }).waitFor(wait);
    assert.equal(await page.getByTestId('qr').isVisible(), false);

    await page.getByTestId('use-phone').click();
    await page.getByTestId('phone-input').fill('+7 900 000-02-01');
    await page.getByTestId('pairing-submit').click();
    const error = page.locator('[data-testid=pairing-error][data-code=WHATSAPP_UNREACHABLE]');
    await error.waitFor(wait);
    assert.equal(await error.textContent(), 'Сейчас нет связи с WhatsApp; сервис продолжает попытки. Попробуйте через минуту.');
    assert.ok(await note.isVisible(), 'the reason stays in sight in phone mode');
    await browser.close(page);
  });

  test('the same in English', async () => {
    const page = await browser.open(linkUrl, { locale: 'en-GB' });
    await page.getByTestId('unreachable').filter({ hasText: /^Cannot reach WhatsApp \(.*ECONNREFUSED.*\), (retrying in \d+ s|retrying…)$/ }).waitFor(wait);
    await browser.close(page);
  });
});
