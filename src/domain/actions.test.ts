import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actionJsonSchema, actionNames, isReactionEmoji, parseActionInput, parseActionName } from './actions.js';
import { ConnectorError } from './errors.js';

describe('action schemas', () => {
  test('a message needs a text or an attachment; media is the default format', () => {
    assert.deepEqual(parseActionInput('sendMessage', { chat: '+79001234567', text: 'Hi' }), {
      chat: '+79001234567',
      text: 'Hi',
      attachmentFormat: 'media',
    });
    assert.throws(() => parseActionInput('sendMessage', { chat: '+79001234567' }), { code: 'VALIDATION_ERROR' });
    assert.doesNotThrow(() => parseActionInput('sendMessage', { chat: '+79001234567', attachments: { title: 'a', url: 'https://x.test/a' } }));
  });

  test('reports every problem at once with its field path', () => {
    try {
      parseActionInput('sendLocation', { chat: 5, location: { latitude: 91, longitude: 'east' } });
      assert.fail('should have thrown');
    } catch (error) {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'VALIDATION_ERROR');
      const paths = (error.details?.issues as { path: string }[]).map((issue) => issue.path).sort();
      assert.deepEqual(paths, ['chat', 'location.latitude', 'location.longitude']);
    }
  });

  test('text is limited to 4096 characters', () => {
    assert.doesNotThrow(() => parseActionInput('sendMessage', { chat: '+79001234567', text: 'x'.repeat(4096) }));
    assert.throws(() => parseActionInput('sendMessage', { chat: '+79001234567', text: 'x'.repeat(4097) }), { code: 'VALIDATION_ERROR' });
    assert.throws(() => parseActionInput('editMessage', { message: 'id', text: 'x'.repeat(4097) }), { code: 'VALIDATION_ERROR' });
  });

  test('deleting is for everyone unless said otherwise', () => {
    assert.equal(parseActionInput('deleteMessage', { message: 'ABC' }).forEveryone, true);
    assert.equal(parseActionInput('deleteMessage', { message: 'ABC', forEveryone: false }).forEveryone, false);
  });

  test('a message to act on is a saved result, a ref or a bare id, and the saved result keeps its fields', () => {
    const saved = { action: 'sendMessage', id: '3EB0X', chat: '79001234567@s.whatsapp.net', fromMe: true, timestamp: '2026-01-01T00:00:00.000Z', status: 'sent', parts: [] };
    assert.deepEqual(parseActionInput('editMessage', { message: saved, text: 'new' }).message, saved);
    assert.equal(parseActionInput('editMessage', { message: '3EB0X', text: 'new' }).message, '3EB0X');
    assert.throws(() => parseActionInput('editMessage', { message: { chat: 'x' }, text: 'new' }), { code: 'VALIDATION_ERROR' });
  });

  test('a contact is a card, a vCard or a list of them', () => {
    const card = { name: 'Anna', phones: ['+79001234567'] };
    assert.doesNotThrow(() => parseActionInput('sendContact', { chat: '+79001234567', contact: card }));
    assert.doesNotThrow(() => parseActionInput('sendContact', { chat: '+79001234567', contact: [card, card] }));
    assert.doesNotThrow(() => parseActionInput('sendContact', { chat: '+79001234567', contact: 'BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nEND:VCARD' }));
    assert.throws(() => parseActionInput('sendContact', { chat: '+79001234567', contact: 'Anna' }), { code: 'VALIDATION_ERROR' });
    assert.throws(() => parseActionInput('sendContact', { chat: '+79001234567', contact: { name: 'Anna', phones: [] } }), { code: 'VALIDATION_ERROR' });
  });

  test('forwards to one chat or a list', () => {
    assert.deepEqual(parseActionInput('forwardMessage', { message: 'X', chat: ['+79001234567', '+79001234568'] }).chat, ['+79001234567', '+79001234568']);
  });

  test('an unknown action is refused, naming the allowed ones', () => {
    assert.throws(() => parseActionName('sendFax'), (error: unknown) => error instanceof ConnectorError && error.code === 'VALIDATION_ERROR' && /sendMessage/.test(error.message));
    assert.equal(parseActionName('editMessage'), 'editMessage');
  });
});

describe('reaction emoji', () => {
  test('takes exactly one emoji, including skin tones, flags and joined sequences, or "" to remove', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '🇷🇺', '👨‍👩‍👧', '']) assert.equal(isReactionEmoji(emoji), true, emoji);
    for (const text of ['a', '👍👍', 'ok', ' ', '1']) assert.equal(isReactionEmoji(text), false, text);
  });

  test('takes keycaps, subdivision flags and the longest joined sequences WhatsApp offers', () => {
    const taken = ['1️⃣', '1⃣', '#️⃣', '*️⃣', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '🏳️‍🌈', '👩🏽‍💻', '🧑🏻‍❤️‍💋‍🧑🏼', '👨‍👩‍👧‍👦', '©', '❤'];
    for (const emoji of taken) assert.equal(isReactionEmoji(emoji), true, emoji);
  });

  test('refuses what only renders as one character: a 6,002-character ZWJ chain, 👍 under 1,000 combining marks, half a flag', () => {
    const chain = `👍${'\u200D👍'.repeat(2000)}`;
    assert.equal(chain.length, 6002);
    assert.equal(isReactionEmoji(chain), false);
    assert.equal(isReactionEmoji(`👍${'\u0301'.repeat(1000)}`), false);
    assert.equal(isReactionEmoji('👍\u0301'), false);
    assert.equal(isReactionEmoji('🇺'), false);
    // 11 joined parts: more than any emoji has.
    assert.equal(isReactionEmoji(`👍${'\u200D👍'.repeat(10)}`), false);
  });

  test('refuses skin tones and selectors where they do not belong', () => {
    for (const text of ['🏽', 'a🏽', '❤🏽', '👍\uFE0F\uFE0F', '\uFE0F', '👍\u200D', '\u200D👍', '1\uFE0F']) {
      assert.equal(isReactionEmoji(text), false, JSON.stringify(text));
    }
  });
});

describe('JSON Schema derived from the action schemas', () => {
  test('every action has an object schema listing its required fields', () => {
    for (const action of actionNames) {
      const schema = actionJsonSchema(action);
      assert.equal(schema.type, 'object', action);
      assert.ok(Array.isArray(schema.required), action);
    }
  });

  test('carries the limits and defaults users need to see', () => {
    const schema = actionJsonSchema('sendMessage') as { properties: Record<string, { maxLength?: number; default?: unknown }>; required: string[] };
    assert.equal(schema.properties.text?.maxLength, 4096);
    assert.equal(schema.properties.attachmentFormat?.default, 'media');
    assert.deepEqual(schema.required, ['chat']);
  });
});
