import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../domain/clock.js';
import type { ErrorCode } from '../../domain/errors.js';
import type { EngineEvent } from '../engine.js';
import { SandboxEngine } from './engine.js';
import { SandboxNetwork } from './network.js';
import { linkedSandbox } from './testing.js';

const BOT = '+79000000000';
const BOT_JID = '79000000000@s.whatsapp.net';
const text = (chat: string) => ({ type: 'text' as const, chat, text: 'Hello' });

function setup() {
  const clock = new ManualClock(Date.parse('2026-01-01T09:00:00Z'));
  const network = new SandboxNetwork({ clock });
  network.addPhone(BOT, { name: 'Clinic' });
  network.addPhone('+79001111111', { name: 'Anna' });
  const engine = new SandboxEngine({ network });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  const qrs = () => events.flatMap((event) => (event.type === 'qr' ? [event] : []));
  return { clock, network, engine, events, qrs };
}

function code(expected: ErrorCode) {
  return (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, expected, String(error));
    return true;
  };
}

describe('linking a session by QR code', () => {
  it('shows a QR shaped like WhatsApp\'s, valid 60 s, and links when the phone scans it', async () => {
    const { clock, engine, events, qrs } = setup();
    await engine.startSession('s1');

    assert.equal(engine.getSessionStatus('s1')?.state, 'linking');
    const [first] = qrs();
    assert.ok(first);
    assert.match(first.qr, /^2@[^,]+,[A-Za-z0-9+/]+=*,[A-Za-z0-9+/]+=*,[A-Za-z0-9+/]+=*$/);
    assert.equal(first.expiresAt, clock.now() + 60_000);
    assert.equal(engine.currentQr('s1'), first.qr);

    const linked = engine.scan('s1', BOT);

    assert.deepEqual(linked, { sessionId: 's1', jid: BOT_JID });
    assert.deepEqual(engine.getSessionStatus('s1'), { sessionId: 's1', state: 'connected', jid: BOT_JID });
    assert.deepEqual(events.at(-1), { type: 'connected', sessionId: 's1', jid: BOT_JID, newLink: true });
    assert.equal(engine.currentQr('s1'), undefined);
  });

  it('rotates the QR every 20 s after the first minute, and refuses a rotated one as expired', async () => {
    const { clock, network, engine, qrs } = setup();
    await engine.startSession('s1');
    const first = qrs()[0]?.qr ?? '';

    clock.advance(60_000);
    const second = qrs()[1];
    assert.ok(second);
    assert.notEqual(second.qr, first);
    assert.equal(second.expiresAt, clock.now() + 20_000);
    assert.equal(first.split(',').slice(1).join(), second.qr.split(',').slice(1).join(), 'the keys stay, the ref changes');

    assert.throws(() => network.scan(first, BOT), (error: { code?: string; message?: string }) => {
      return error.code === 'VALIDATION_ERROR' && error.message === 'QR code expired';
    });
    assert.equal(engine.getSessionStatus('s1')?.state, 'linking');

    assert.deepEqual(network.scan(second.qr, BOT), { sessionId: 's1', jid: BOT_JID });
  });

  it('gives up with link-failed (qr-timeout) when the last QR expires unscanned', async () => {
    const { clock, engine, events, qrs } = setup();
    await engine.startSession('s1');

    // One QR period at a time: a timer set while time moves counts from where the move ends.
    clock.advance(60_000);
    for (let rotation = 0; rotation < 4; rotation++) clock.advance(20_000);
    assert.equal(qrs().length, 6);
    assert.equal(engine.getSessionStatus('s1')?.state, 'linking');

    clock.advance(20_000);
    assert.equal(qrs().length, 6, 'one first QR and five rotations');
    assert.deepEqual(events.at(-1), { type: 'link-failed', sessionId: 's1', reason: 'qr-timeout' });
    assert.equal(engine.getSessionStatus('s1')?.state, 'failed');
    assert.equal(clock.pendingTimers, 0);
    assert.throws(() => engine.scan('s1', BOT), code('VALIDATION_ERROR'));
  });

  it('refuses a phone that is not on WhatsApp, or not in the network', async () => {
    const { network, engine } = setup();
    network.addPhone('+79005555555', { onWhatsApp: false });
    await engine.startSession('s1');

    assert.throws(() => engine.scan('s1', '+79005555555'), code('NOT_ON_WHATSAPP'));
    assert.throws(() => engine.scan('s1', '+79006666666'), code('VALIDATION_ERROR'));
    assert.throws(() => network.scan('not a qr', BOT), code('VALIDATION_ERROR'));
    assert.equal(engine.getSessionStatus('s1')?.state, 'linking');
  });
});

describe('linking a session by pairing code', () => {
  it('gives an 8-character code that the phone types to link', async () => {
    const { network, engine, events } = setup();
    await engine.startSession('s1');

    const pairing = await engine.requestPairingCode('s1', BOT);

    assert.match(pairing, /^[A-HJ-NP-Z2-9]{8}$/);
    assert.deepEqual(events.at(-1), { type: 'pairing-code', sessionId: 's1', code: pairing });
    assert.throws(() => network.enterPairingCode('+79001111111', pairing), code('VALIDATION_ERROR'), 'another phone');

    const typed = `${pairing.slice(0, 4)}-${pairing.slice(4)}`.toLowerCase();
    assert.deepEqual(network.enterPairingCode(BOT, typed), { sessionId: 's1', jid: BOT_JID });
    assert.equal(engine.getSessionStatus('s1')?.state, 'connected');
    assert.throws(() => network.enterPairingCode(BOT, pairing), code('VALIDATION_ERROR'), 'a code links once');
  });

  it('refuses a pairing code for a session that is not linking', async () => {
    const { engine, sessionId } = await linkedSandbox();
    await assert.rejects(engine.requestPairingCode(sessionId, BOT), code('VALIDATION_ERROR'));
    await assert.rejects(engine.requestPairingCode('nobody', BOT), code('SESSION_NOT_FOUND'));
  });
});

describe('the life of a linked session', () => {
  it('reconnects after a stop without a new scan', async () => {
    const { engine, sessionId, events } = await linkedSandbox();
    await engine.stopSession(sessionId);
    assert.equal(engine.getSessionStatus(sessionId)?.state, 'stopped');
    await assert.rejects(engine.send(sessionId, text(BOT), { messageId: 'm1' }), code('SESSION_NOT_CONNECTED'));

    events.length = 0;
    await engine.startSession(sessionId);

    assert.deepEqual(engine.getSessionStatus(sessionId), { sessionId, state: 'connected', jid: BOT_JID });
    assert.deepEqual(events, [
      { type: 'state', sessionId, state: 'connected' },
      { type: 'connected', sessionId, jid: BOT_JID, newLink: false },
    ]);
  });

  it('cannot send once logged out', async () => {
    const { engine, sessionId, events } = await linkedSandbox();
    await engine.logoutSession(sessionId);

    assert.equal(engine.getSessionStatus(sessionId)?.state, 'logged_out');
    assert.deepEqual(events.at(-1), { type: 'logged-out', sessionId, reason: 'logged out' });
    await assert.rejects(engine.send(sessionId, text(BOT), { messageId: 'm1' }), code('SESSION_LOGGED_OUT'));
    await assert.rejects(engine.findMessage(sessionId, { id: 'm1' }), code('SESSION_LOGGED_OUT'));
  });

  it('is logged out when the phone removes the linked device', async () => {
    const { engine, network, sessionId, events, bot } = await linkedSandbox();

    assert.equal(network.logoutDevice(sessionId), 1);

    assert.equal(engine.getSessionStatus(sessionId)?.state, 'logged_out');
    assert.deepEqual(events.at(-1), { type: 'logged-out', sessionId, reason: 'removed from phone' });
    await assert.rejects(engine.send(sessionId, text(BOT), { messageId: 'm1' }), code('SESSION_LOGGED_OUT'));
    assert.equal(bot.logOutLinkedDevices(), 0, 'nothing left to remove');
  });

  it('links again with a new QR after a logout', async () => {
    const { engine, sessionId, events } = await linkedSandbox();
    await engine.logoutSession(sessionId);
    await engine.startSession(sessionId);
    assert.equal(engine.getSessionStatus(sessionId)?.state, 'linking');
    assert.equal(events.at(-1)?.type, 'qr');
    engine.scan(sessionId, BOT);
    assert.equal(engine.getSessionStatus(sessionId)?.state, 'connected');
  });

  it('tells unknown sessions from sessions that are not linked yet', async () => {
    const { engine } = setup();
    await assert.rejects(engine.send('nobody', text(BOT), { messageId: 'm1' }), code('SESSION_NOT_FOUND'));
    await assert.rejects(engine.stopSession('nobody'), code('SESSION_NOT_FOUND'));
    assert.equal(engine.getSessionStatus('nobody'), undefined);

    await engine.startSession('s1');
    await assert.rejects(engine.send('s1', text(BOT), { messageId: 'm1' }), code('SESSION_NOT_CONNECTED'));
    await assert.rejects(engine.checkNumbers('s1', [BOT_JID]), code('SESSION_NOT_CONNECTED'));
    await assert.rejects(engine.findMessage('s1', { id: 'm1' }), code('SESSION_NOT_CONNECTED'));
  });

  it('stops rotating QR codes when a linking session is stopped', async () => {
    const { clock, engine, qrs } = setup();
    await engine.startSession('s1');
    await engine.stopSession('s1');
    assert.equal(clock.pendingTimers, 0);
    clock.advance(120_000);
    assert.equal(qrs().length, 1);
  });
});

describe('credentials kept between runs', () => {
  it('a restarted engine reconnects a linked session without a scan, and forgets it after a logout', async () => {
    const saved = new Map<string, Record<string, string>>();
    const credentials = {
      load: async (id: string) => saved.get(id) ?? {},
      save: async (id: string, entries: Record<string, string | null>) => {
        saved.set(id, Object.fromEntries(Object.entries({ ...saved.get(id), ...entries }).filter((e): e is [string, string] => e[1] !== null)));
      },
      clear: async (id: string) => void saved.delete(id),
    };
    const network = new SandboxNetwork({ clock: new ManualClock(0) });
    network.addPhone('+79000000000');
    const first = new SandboxEngine({ network, credentials });
    await first.startSession('s1');
    first.scan('s1', '+79000000000');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(saved.get('s1'), { jid: BOT_JID });
    first.close();

    const second = new SandboxEngine({ network, credentials });
    const events: EngineEvent[] = [];
    second.subscribe((event) => events.push(event));
    await second.startSession('s1');
    assert.deepEqual(events.at(-1), { type: 'connected', sessionId: 's1', jid: BOT_JID, newLink: false });
    assert.equal(second.getSessionStatus('s1')?.state, 'connected');

    await second.logoutSession('s1');
    assert.equal(saved.has('s1'), false);
  });
});
