import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../domain/clock.js';
import { SandboxEngine, SandboxNetwork } from '../engines/sandbox/index.js';
import { LinkHub, type LinkEvent } from './link-hub.js';

/** A hub over the sandbox engine that counts the QR pictures it draws. */
function setup() {
  const clock = new ManualClock(Date.parse('2026-01-01T09:00:00Z'));
  const engine = new SandboxEngine({ network: new SandboxNetwork({ clock, openRegistration: true }), clock });
  const rendered: string[] = [];
  const hub = new LinkHub({
    engine,
    clock,
    onEngineEvent: async () => {},
    issueToken: async () => ({ token: 'wac_test', tokenId: 'tok_1' }),
    onError: (error) => assert.fail(String(error)),
    renderQr: async (qr) => {
      rendered.push(qr);
      return `data:image/png;base64,${Buffer.from(qr).toString('base64')}`;
    },
  });
  return { clock, engine, hub, rendered };
}

function page(hub: LinkHub, sessionId: string) {
  const seen: LinkEvent[] = [];
  const stop = hub.watch(sessionId, (event) => seen.push(event));
  return { seen, stop, qrs: () => seen.flatMap((event) => (event.event === 'qr' ? [event.data.qr] : [])) };
}

async function until(holds: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000 && !holds(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(holds(), `waited in vain for ${what}`);
}

describe('QR pictures on the link hub', () => {
  it('draws none while nobody watches, however many sessions link and however often their codes rotate', async () => {
    const { clock, engine, hub, rendered } = setup();
    for (let i = 0; i < 40; i++) await engine.startSession(`s${i}`);
    for (let rotation = 0; rotation < 3; rotation++) clock.advance(60_000);
    await hub.settled();
    assert.equal(rendered.length, 0);
  });

  it('draws each code once for many pages watching, and each page gets each code once', async () => {
    const { clock, engine, hub, rendered } = setup();
    await engine.startSession('s1');
    const pages = Array.from({ length: 8 }, () => page(hub, 's1'));
    await Promise.all(pages.map((p) => p.stop));
    assert.equal(rendered.length, 1, 'the first code, drawn for the first page and shared');

    clock.advance(60_000);
    await hub.settled();
    await until(() => pages.every((p) => p.qrs().length === 2), 'every page to get the second code');
    assert.equal(rendered.length, 2);
    assert.deepEqual(new Set(rendered).size, 2);
    for (const p of pages) assert.deepEqual(p.qrs(), rendered, 'each code once, in order');

    const late = page(hub, 's1');
    await late.stop;
    assert.deepEqual(late.qrs(), [rendered[1]], 'a page opened later gets the current code from the cache');
    assert.equal(rendered.length, 2);
  });

  it('a page that starts watching after codes went by unseen gets only the current one drawn', async () => {
    const { clock, engine, hub, rendered } = setup();
    await engine.startSession('s1');
    clock.advance(60_000);
    clock.advance(20_000);
    await hub.settled();
    const watching = page(hub, 's1');
    await watching.stop;
    assert.equal(rendered.length, 1);
    assert.deepEqual(watching.qrs(), rendered);
  });
});
