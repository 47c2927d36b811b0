import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayChat, normalizeChat } from './chat.js';
import { ConnectorError } from './errors.js';

describe('chat normalisation', () => {
  const person = '79001234567@s.whatsapp.net';

  for (const written of [
    '+79001234567',
    '79001234567',
    '+7 (900) 123-45-67',
    '+7 900 123 45 67',
    '+7\u00a0900\u00a0123\u00a045\u00a067',
    '8-(7900)-123.45.67'.replace(/^8-/, ''),
    '0079001234567',
    '  +79001234567  ',
    '79001234567@s.whatsapp.net',
    '79001234567@c.us',
    '79001234567@C.US',
  ]) {
    test(`reads "${written}" as the person ${person}`, () => {
      assert.deepEqual(normalizeChat(written), { jid: person, kind: 'user' });
    });
  }

  test('accepts a phone number given as a number, as process data often holds it', () => {
    assert.equal(normalizeChat(79001234567).jid, person);
  });

  test('keeps group ids, old and new', () => {
    assert.deepEqual(normalizeChat('120363025246125486@g.us'), { jid: '120363025246125486@g.us', kind: 'group' });
    assert.deepEqual(normalizeChat('79001234567-1600000000@g.us'), { jid: '79001234567-1600000000@g.us', kind: 'group' });
  });

  test('takes a LID as given', () => {
    assert.deepEqual(normalizeChat('123456789012345@lid'), { jid: '123456789012345@lid', kind: 'lid' });
  });

  for (const bad of ['', '   ', 'hello', '+7 900', '+79001234567890123', '120363025246125486', 'abc@g.us', '79001234567@example.com', '+7900abc4567', '0123456789', 'a@lid']) {
    test(`refuses "${bad}" with INVALID_CHAT naming the input`, () => {
      assert.throws(
        () => normalizeChat(bad),
        (error: unknown) => error instanceof ConnectorError && error.code === 'INVALID_CHAT' && error.message.includes(`"${bad}"`) && error.details?.input === bad,
      );
    });
  }

  test('refuses values that are not text', () => {
    for (const bad of [undefined, null, {}, [], true, 1.5]) {
      assert.throws(() => normalizeChat(bad), { code: 'INVALID_CHAT' });
    }
  });

  test('hints that a bare group number needs @g.us', () => {
    assert.throws(() => normalizeChat('120363025246125486'), /@g\.us/);
  });

  test('shows a person as their phone number and a group as its id', () => {
    assert.equal(displayChat(person), '+79001234567');
    assert.equal(displayChat('120363025246125486@g.us'), '120363025246125486@g.us');
  });
});
