import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receiptsOf } from './incoming.js';

const group = '120363000000000001@g.us';

describe('receipts a recipient’s phone sends', () => {
  it('reports delivery of every listed message', () => {
    const node = { tag: 'receipt', attrs: { id: 'A1', from: '79001111111@s.whatsapp.net' }, content: [{ tag: 'list', attrs: {}, content: [{ tag: 'item', attrs: { id: 'A2' } }] }] };
    assert.deepEqual(receiptsOf(node), [
      { message: { chat: '79001111111@s.whatsapp.net', id: 'A1', fromMe: true }, status: 'delivered' },
      { message: { chat: '79001111111@s.whatsapp.net', id: 'A2', fromMe: true }, status: 'delivered' },
    ]);
  });

  it('names the group member a receipt is from, and a played voice note', () => {
    const node = { tag: 'receipt', attrs: { id: 'V1', from: group, participant: '79002222222@s.whatsapp.net', type: 'played' } };
    assert.deepEqual(receiptsOf(node), [{ message: { chat: group, id: 'V1', fromMe: true }, status: 'read', recipient: '79002222222@s.whatsapp.net', played: true }]);
  });

  it('reports nothing for a retry request or an own device’s read', () => {
    assert.deepEqual(receiptsOf({ tag: 'receipt', attrs: { id: 'R1', from: group, type: 'retry' } }), []);
    assert.deepEqual(receiptsOf({ tag: 'receipt', attrs: { id: 'R2', from: group, type: 'read-self' } }), []);
  });
});
