// Debian's Chromium (scripts/ensure-chromium.sh) driven by playwright-core, for the browser tests.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const browserArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const screenshots = join(tmpdir(), 'whatsapp-connector-screenshots');

export interface TestBrowser {
  /** A new page at `url`; its uncaught errors fail {@link close}. */
  open(url: string, options?: BrowserContextOptions): Promise<Page>;
  /** Closes the page and asserts it threw nothing. */
  close(page: Page): Promise<void>;
  /** A full-page screenshot under the system's temporary folder, named in the test's output. */
  shoot(page: Page, name: string, t: TestContext): Promise<void>;
}

/** Starts Chromium before the enclosing suite's tests and stops it after them. */
export function useBrowser(): TestBrowser {
  let browser: Browser | undefined;
  const errors = new WeakMap<Page, string[]>();
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-chromium.sh`);
    await mkdir(screenshots, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: browserArgs });
  });
  after(() => browser?.close());
  return {
    async open(url, options = {}) {
      assert.ok(browser, 'the browser starts before the tests');
      const page = await browser.newPage({ viewport: { width: 1100, height: 760 }, ...options });
      const thrown: string[] = [];
      errors.set(page, thrown);
      page.on('pageerror', (error) => thrown.push(error.message));
      await page.goto(url);
      return page;
    },
    async close(page) {
      await page.close();
      assert.deepEqual(errors.get(page), [], 'the page threw');
    },
    async shoot(page, name, t) {
      const path = join(screenshots, name);
      await page.screenshot({ path, fullPage: true });
      t.diagnostic(`screenshot: ${path}`);
    },
  };
}
