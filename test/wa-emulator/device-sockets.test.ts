import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceSockets } from './device-sockets.js';

const device = '79001112233:1@s.whatsapp.net';
/** A clock the test moves by hand, so every duration is exact. */
function manualClock() {
  let at = 1_000;
  return { now: () => at, advance: (ms: number) => (at += ms) };
}

test('one socket after another, each closed before the next logs in, never overlaps', () => {
  const clock = manualClock();
  const sockets = new DeviceSockets<object>(clock.now);
  const first = {};
  const second = {};
  assert.deepEqual(sockets.loggedIn(device, first), []);
  clock.advance(500);
  sockets.closed(first);
  assert.deepEqual(sockets.loggedIn(device, second), []);
  clock.advance(500);
  assert.deepEqual(sockets.overlapOf(device), { device, open: 1, overlaps: 0, overlapMs: 0 });
});

test('a second login while the first socket is open is one overlap, until the first closes', () => {
  const clock = manualClock();
  const sockets = new DeviceSockets<object>(clock.now);
  const first = {};
  const second = {};
  sockets.loggedIn(device, first);
  clock.advance(100);
  assert.deepEqual(sockets.loggedIn(device, second), [first], 'the earlier socket is named, to be replaced');
  clock.advance(7);
  assert.deepEqual(sockets.overlapOf(device), { device, open: 2, overlaps: 1, overlapMs: 7 }, 'a running overlap counts so far');
  clock.advance(3);
  sockets.closed(first);
  clock.advance(1_000);
  assert.deepEqual(sockets.overlapOf(device), { device, open: 1, overlaps: 1, overlapMs: 10 });
  assert.deepEqual(sockets.live(device), [second]);
});

test('a third socket joining a running overlap extends it; a later one is a second overlap', () => {
  const clock = manualClock();
  const sockets = new DeviceSockets<object>(clock.now);
  const [a, b, c, d] = [{}, {}, {}, {}];
  sockets.loggedIn(device, a);
  sockets.loggedIn(device, b);
  clock.advance(5);
  assert.deepEqual(sockets.loggedIn(device, c), [a, b]);
  clock.advance(5);
  sockets.closed(a);
  clock.advance(5);
  sockets.closed(b);
  clock.advance(100);
  sockets.loggedIn(device, d);
  clock.advance(2);
  sockets.closed(c);
  assert.deepEqual(sockets.overlapOf(device), { device, open: 1, overlaps: 2, overlapMs: 17 });
});

test('devices are counted apart, and a socket that never logged in changes nothing', () => {
  const sockets = new DeviceSockets<object>(manualClock().now);
  const other = '79001112233:2@s.whatsapp.net';
  sockets.loggedIn(device, {});
  sockets.loggedIn(other, {});
  sockets.closed({});
  assert.deepEqual(sockets.all(), [
    { device, open: 1, overlaps: 0, overlapMs: 0 },
    { device: other, open: 1, overlaps: 0, overlapMs: 0 },
  ]);
  assert.deepEqual(sockets.overlapOf('79009999999:1@s.whatsapp.net'), { device: '79009999999:1@s.whatsapp.net', open: 0, overlaps: 0, overlapMs: 0 });
});
