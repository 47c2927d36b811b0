import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../domain/clock.js';
import { NumberCache } from './number-cache.js';

const anna = '79001111111@s.whatsapp.net';
const nobody = '79009999999@s.whatsapp.net';

test('asks WhatsApp only for numbers it does not know; forgets a "no" sooner than a "yes"', async () => {
  const clock = new ManualClock(0);
  const cache = new NumberCache(clock);
  const asked: string[][] = [];
  const check = async (jids: string[]) => {
    asked.push(jids);
    return new Set(jids.filter((jid) => jid === anna));
  };
  assert.deepEqual([...(await cache.lookup([anna, nobody], check))], [[anna, true], [nobody, false]]);
  assert.deepEqual([...(await cache.lookup([anna, nobody], check))], [[anna, true], [nobody, false]]);
  assert.equal(asked.length, 1);

  clock.advance(11 * 60_000);
  await cache.lookup([anna, nobody], check);
  assert.deepEqual(asked[1], [nobody], 'a number without WhatsApp may have joined since');
  clock.advance(24 * 60 * 60_000);
  await cache.lookup([anna], check);
  assert.deepEqual(asked[2], [anna]);
});
