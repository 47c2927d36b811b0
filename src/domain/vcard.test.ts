import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toContactPayload } from './vcard.js';

test('a contact card becomes a vCard whose numbers open WhatsApp chats', () => {
  const payload = toContactPayload({ name: 'Anna Petrova', phones: ['+7 900 123-45-67'], organization: 'Clinic; Main', email: 'anna@clinic.test' });
  assert.equal(payload.displayName, 'Anna Petrova');
  assert.deepEqual(payload.phones, ['+7 900 123-45-67']);
  assert.match(payload.vcard, /^BEGIN:VCARD\nVERSION:3\.0\nFN:Anna Petrova\n/);
  assert.match(payload.vcard, /\nORG:Clinic\\; Main\n/);
  assert.match(payload.vcard, /\nTEL;type=CELL;type=VOICE;waid=79001234567:\+7 900 123-45-67\n/);
  assert.match(payload.vcard, /END:VCARD$/);
});

test('a vCard text is kept and its name and numbers are read from it', () => {
  const vcard = 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Petrova;Anna;;;\r\nTEL;type=CELL:+79001234567\r\nTEL:+79001234568\r\nEND:VCARD';
  const payload = toContactPayload(vcard);
  assert.equal(payload.displayName, 'Anna Petrova');
  assert.deepEqual(payload.phones, ['+79001234567', '+79001234568']);
  assert.equal(payload.vcard, vcard.replace(/\r\n/g, '\n'));
});
