import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisconnectReason } from 'baileys';
import { afterClose } from './socket-close.js';

const fresh = { linking: true, qrShown: 0, loggedIn: false };
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
/** Shaped as Baileys' errors are (a Boom): a status in `output`, the cause in `data`. */
const boom = (message: string, statusCode: number, data?: unknown) => Object.assign(new Error(message), { output: { statusCode }, data });

describe('what follows a closed socket', () => {
  it('a socket that never reached WhatsApp retries and says why, in the network\'s words', () => {
    assert.deepEqual(afterClose(boom('WebSocket Error (connect ECONNREFUSED 127.0.0.1:9)', 408, refused), fresh), { next: 'retry', unreachable: 'connect ECONNREFUSED 127.0.0.1:9' });
    assert.deepEqual(afterClose(boom('Connection Terminated', DisconnectReason.connectionClosed), { ...fresh, linking: false }), { next: 'retry', unreachable: 'Connection Terminated' });
  });

  it('a socket that showed a QR code or logged in just retries', () => {
    assert.deepEqual(afterClose(boom('Connection Terminated', DisconnectReason.connectionClosed), { ...fresh, qrShown: 2 }), { next: 'retry' });
    assert.deepEqual(afterClose(boom('Connection Terminated', DisconnectReason.connectionClosed), { linking: false, qrShown: 0, loggedIn: true }), { next: 'retry' });
  });

  it('QR codes that ran out end linking; a timeout before any code is WhatsApp out of reach', () => {
    assert.deepEqual(afterClose(boom('QR refs attempts ended', DisconnectReason.timedOut), { ...fresh, qrShown: 6 }), { next: 'linking-failed' });
    assert.equal(afterClose(boom('Timed Out', DisconnectReason.timedOut), fresh).next, 'retry');
  });

  it('logout and restart', () => {
    assert.deepEqual(afterClose(boom('Logged out', DisconnectReason.loggedOut), fresh), { next: 'unlink', reason: 'the phone removed this linked device' });
    assert.deepEqual(afterClose(boom('Forbidden', DisconnectReason.forbidden), fresh), { next: 'unlink', reason: 'WhatsApp refused the device (403)' });
    assert.deepEqual(afterClose(boom('Restart', DisconnectReason.restartRequired), fresh), { next: 'connect-now' });
  });

  it('a socket replaced by a login of the same device elsewhere stops for good, however far it got', () => {
    // As Baileys words it for <stream:error><conflict type="replaced"/></stream:error>.
    const replaced = boom('Stream Errored (conflict)', DisconnectReason.connectionReplaced, { tag: 'conflict', attrs: { type: 'replaced' } });
    for (const progress of [fresh, { linking: false, qrShown: 0, loggedIn: true }, { ...fresh, qrShown: 1 }]) {
      assert.deepEqual(afterClose(replaced, progress), { next: 'stop', reason: 'replaced' });
    }
  });
});
