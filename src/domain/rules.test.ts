import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { limits } from './limits.js';
import type { MessageRecord } from './message.js';
import { laterStatus } from './message.js';
import { applyReaction, assertCanDelete, assertCanEdit, assertCanForward, assertCanReact, fitsCaption, maxForwardChats } from './rules.js';

const sentAt = Date.parse('2026-03-01T09:00:00Z');
const minute = 60_000;

function message(overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    chat: '79001234567@s.whatsapp.net',
    id: '3EB0AAAA',
    fromMe: true,
    kind: 'text',
    timestamp: sentAt,
    status: 'sent',
    text: 'Hello',
    forwardingScore: 0,
    deletedForEveryone: false,
    ...overrides,
  };
}

describe('editing', () => {
  test('edits an own message up to exactly 15 minutes after sending', () => {
    assert.doesNotThrow(() => assertCanEdit(message(), sentAt + 15 * minute));
  });

  test('refuses one millisecond after 15 minutes with EDIT_WINDOW_EXPIRED', () => {
    assert.throws(() => assertCanEdit(message(), sentAt + 15 * minute + 1), { code: 'EDIT_WINDOW_EXPIRED' });
  });

  test('refuses to edit a message someone else sent', () => {
    assert.throws(() => assertCanEdit(message({ fromMe: false }), sentAt), { code: 'NOT_YOUR_MESSAGE' });
  });

  test('edits the caption of media, but a location has no text to edit', () => {
    assert.doesNotThrow(() => assertCanEdit(message({ kind: 'image' }), sentAt));
    assert.doesNotThrow(() => assertCanEdit(message({ kind: 'document' }), sentAt));
    assert.throws(() => assertCanEdit(message({ kind: 'location' }), sentAt), { code: 'VALIDATION_ERROR' });
    assert.throws(() => assertCanEdit(message({ kind: 'contact' }), sentAt), { code: 'VALIDATION_ERROR' });
  });

  test('a deleted message is gone', () => {
    assert.throws(() => assertCanEdit(message({ deletedForEveryone: true }), sentAt), { code: 'MESSAGE_NOT_FOUND' });
  });
});

describe('deleting', () => {
  const window = limits.deleteForEveryoneWindowMs;

  test('deletes an own message for everyone up to 60 hours after sending', () => {
    assert.equal(window, 60 * 60 * minute);
    assert.doesNotThrow(() => assertCanDelete(message(), true, sentAt + window));
  });

  test('refuses just after 60 hours with DELETE_WINDOW_EXPIRED', () => {
    assert.throws(() => assertCanDelete(message(), true, sentAt + window + 1), { code: 'DELETE_WINDOW_EXPIRED' });
  });

  test('refuses to delete someone else’s message for everyone', () => {
    assert.throws(() => assertCanDelete(message({ fromMe: false }), true, sentAt), { code: 'NOT_YOUR_MESSAGE' });
  });

  test('deletes any message for me, at any age', () => {
    assert.doesNotThrow(() => assertCanDelete(message({ fromMe: false }), false, sentAt + 365 * 24 * 60 * minute));
  });
});

describe('reactions', () => {
  test('keeps one reaction per sender: a new one replaces it and "" removes it', () => {
    let reactions = applyReaction(new Map(), 'anna', '👍');
    reactions = applyReaction(reactions, 'boris', '❤️');
    reactions = applyReaction(reactions, 'anna', '🎉');
    assert.deepEqual([...reactions], [['anna', '🎉'], ['boris', '❤️']]);
    reactions = applyReaction(reactions, 'anna', '');
    assert.deepEqual([...reactions], [['boris', '❤️']]);
  });

  test('leaves the earlier reactions unchanged', () => {
    const before = new Map([['anna', '👍']]);
    applyReaction(before, 'anna', '');
    assert.deepEqual([...before], [['anna', '👍']]);
  });

  test('cannot react to a deleted message or to a reaction', () => {
    assert.throws(() => assertCanReact(message({ deletedForEveryone: true })), { code: 'MESSAGE_NOT_FOUND' });
    assert.throws(() => assertCanReact(message({ kind: 'reaction' })), { code: 'VALIDATION_ERROR' });
    assert.doesNotThrow(() => assertCanReact(message({ fromMe: false })));
  });
});

describe('forwarding', () => {
  test('forwards to at most 5 chats at once', () => {
    assert.doesNotThrow(() => assertCanForward(message(), 5));
    assert.throws(() => assertCanForward(message(), 6), { code: 'VALIDATION_ERROR' });
  });

  test('a message forwarded many times goes to one chat at a time', () => {
    assert.equal(maxForwardChats({ forwardingScore: 4 }), 5);
    assert.equal(maxForwardChats({ forwardingScore: 5 }), 1);
    assert.doesNotThrow(() => assertCanForward(message({ forwardingScore: 5 }), 1));
    assert.throws(() => assertCanForward(message({ forwardingScore: 5 }), 2), /at most 1 chat /);
  });
});

describe('lengths and receipts', () => {
  test('a caption holds up to 1024 characters', () => {
    assert.equal(fitsCaption('x'.repeat(1024)), true);
    assert.equal(fitsCaption('x'.repeat(1025)), false);
  });

  test('a status only moves forward, whatever order receipts arrive in', () => {
    assert.equal(laterStatus('sent', 'read'), 'read');
    assert.equal(laterStatus('read', 'delivered'), 'read');
    assert.equal(laterStatus('pending', 'sent'), 'sent');
  });
});
