// The sandbox page as a person reads it: chats named after the other party, an image shown as a
// picture, times in the page's language (24-hour in Russian), icons that need no emoji font, and a
// phone layout where the list and the chat take turns and the header covers no message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { samplePng, serve, startServer, type TestServer } from '../../src/attachments/test-support.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { IncomingMessage } from '../../src/domain/incoming.js';
import { useBrowser } from '../support/browser.js';
import { waitLimitMs } from '../support/eventually.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';

const LINKED = '+79000000001';
const ANNA = '+79001112233';
const BORIS = '+79004445566';
const UNNAMED = '+79007778899';
const browser = useBrowser();
const wait = { timeout: waitLimitMs };
/** Moscow is UTC+3 all year: 15:30 UTC is 18:30 there, which a 12-hour clock writes 06:30 PM. */
const moscow = { timezoneId: 'Europe/Moscow' };

describe('the sandbox page', () => {
  let service: TestService;
  let files: TestServer;
  let token: string;

  before(async () => {
    files = await startServer({ '/photo.png': serve(samplePng(320, 200), { 'content-type': 'image/png' }) });
    service = await startTestService({ allowPrivateUrls: true }, new ManualClock(Date.parse('2026-03-02T15:30:00Z')));
    const network = service.sandbox!.network;
    network.addPhone(ANNA, { name: 'Анна Петрова' });
    network.addPhone(BORIS, { name: 'Борис' });
    ({ token } = await linkPhone(service, LINKED));
    const send = async (body: Record<string, unknown>) => {
      const sent = await call(service.url, 'POST', '/v1/actions/sendMessage', { token, body });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
    };
    await send({ chat: ANNA, text: 'Здравствуйте, Анна! Напоминаем о приёме.' });
    await send({ chat: ANNA, text: 'Схема проезда', attachments: [{ title: 'map.png', url: files.url('/photo.png') }] });
    await send({ chat: BORIS, text: 'Борис, ваш приём завтра.' });
    await send({ chat: UNNAMED, text: 'Добрый день!' });
    network.phone(ANNA)?.sendText(LINKED, 'Спасибо, буду!');
  });

  after(async () => {
    await service?.close();
    await files?.close();
  });

  test('names each chat after the other party, so that chats of one linked phone differ', async () => {
    const page = await browser.open(`${service.url}/sandbox?lang=ru`, moscow);
    await page.getByTestId('chat-item').nth(2).waitFor(wait);
    const titles = await page.getByTestId('chat-item-title').allTextContents();
    assert.deepEqual([...titles].sort(), [UNNAMED, 'Анна Петрова', 'Борис'].sort());
    await browser.close(page);
  });

  test('in Russian: the image as a picture, 24-hour times, and icons drawn, not emoji', async () => {
    const page = await openAnna(`${service.url}/sandbox?lang=ru`, { ...moscow, locale: 'en-US' });
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    assert.equal(await page.getByTestId('chat-title').textContent(), 'Анна Петрова');
    const picture = page.getByTestId('attachment-image');
    await picture.waitFor(wait);
    await page.waitForFunction("document.querySelector('[data-testid=attachment-image]').naturalWidth === 320", undefined, wait);
    assert.equal(await picture.getAttribute('alt'), 'map.png');
    assert.deepEqual(await page.locator('[data-testid=message] time').allTextContents(), ['18:30', '18:30', '18:30']);
    assert.match((await page.locator('.day').first().textContent()) ?? '', /2 марта 2026/);
    assert.equal(await page.getByTestId('message-status').first().getAttribute('aria-label'), 'Отправлено');
    assert.equal(await page.evaluate('/\\p{Extended_Pictographic}/u.test(document.body.innerText)'), false, 'no emoji on the page');
    assert.ok((await page.locator('svg.icon, svg.tick-icon').count()) >= 3);
    await browser.close(page);
  });

  test('in English: the same chat with 12-hour times', async () => {
    const page = await openAnna(`${service.url}/sandbox`, { ...moscow, locale: 'en-US' });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match((await page.locator('[data-testid=message] time').first().textContent()) ?? '', /^06:30\sPM$/u);
    await browser.close(page);
  });

  test('a person types a client’s reply: the session receives it from that client, and the chat shows it', async () => {
    const received: IncomingMessage[] = [];
    const stop = service.engine.subscribe((event) => void (event.type === 'message' && received.push(event.message)));
    const page = await openAnna(`${service.url}/sandbox?lang=ru`, moscow);
    const composer = page.getByTestId('composer');
    await composer.waitFor(wait);
    assert.match((await page.getByTestId('composer-from').locator('option:checked').textContent()) ?? '', /Анна Петрова/);
    await page.getByTestId('composer-text').fill('1');
    await page.getByTestId('composer-send').click();
    await page.getByTestId('message-text').filter({ hasText: /^1$/ }).waitFor(wait);
    assert.equal(await page.getByTestId('composer-text').inputValue(), '', 'the box is emptied once sent');
    const reply = received.find((message) => message.content.kind === 'text' && message.content.text === '1');
    assert.equal(reply?.sender.phone, ANNA);
    assert.equal(reply?.chat, '79001112233@s.whatsapp.net');

    // The clinic answers quoting her reply: the page shows the quote above the answer.
    const answer = await call(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: ANNA, text: 'Подтверждено, ждём вас', replyTo: reply!.id } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const quote = page.getByTestId('message').filter({ hasText: 'Подтверждено' }).getByTestId('message-quote');
    await quote.waitFor(wait);
    assert.match((await quote.textContent()) ?? '', /Анна Петрова\s*1/);
    stop();
    await browser.close(page);
  });

  test('on a phone the list and the chat take turns, and the chat header covers no message', async () => {
    const page = await browser.open(`${service.url}/sandbox?lang=ru`, { ...moscow, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const anna = page.getByTestId('chat-item').filter({ hasText: 'Анна Петрова' });
    await anna.waitFor(wait);
    assert.equal(await page.getByTestId('messages').isVisible(), false, 'the list comes first');
    await anna.click();
    await page.getByTestId('attachment-image').waitFor(wait);
    assert.equal(await page.getByTestId('chat-list').isVisible(), false);
    const header = await page.locator('#conversation-header').boundingBox();
    const messages = await page.getByTestId('messages').boundingBox();
    assert.ok(header && messages && header.y + header.height <= messages.y + 0.5, `header ${JSON.stringify(header)} above messages ${JSON.stringify(messages)}`);
    const viewport = page.viewportSize();
    assert.ok(viewport && messages.y + messages.height <= viewport.height + 0.5, 'the messages end on the screen');
    await page.getByTestId('back').click();
    await page.getByTestId('chat-list').waitFor(wait);
    await browser.close(page);
  });
});

async function openAnna(url: string, options: Parameters<typeof browser.open>[1]): Promise<Page> {
  const page = await browser.open(url, options);
  await page.getByTestId('chat-item').filter({ hasText: 'Анна Петрова' }).click(wait);
  await page.getByTestId('message-text').filter({ hasText: 'Спасибо, буду!' }).waitFor(wait);
  return page;
}
