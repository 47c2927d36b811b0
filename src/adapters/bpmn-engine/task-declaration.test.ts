import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toComponentProperties } from './task-declaration.js';

test('attributes and fields become the component’s properties, expressions left for the component to evaluate', () => {
  const properties = toComponentProperties({
    attributes: { connection: 'clinic', action: 'sendMessage', resultVariable: 'reminder', timeoutMs: '15000' },
    fields: { chat: 'allValues.clientPhone', text: 'Добрый день, ${allValues.clientName}!' },
  });

  assert.deepEqual(properties, {
    connection: 'clinic',
    action: 'sendMessage',
    resultVariable: 'reminder',
    timeoutMs: 15000,
    chat: 'allValues.clientPhone',
    text: 'Добрый день, ${allValues.clientName}!',
  });
});

test('location and contact are taken as JSON data when they are JSON, else as an expression', () => {
  const asJson = toComponentProperties({ attributes: {}, fields: { location: '{ "latitude": 55.75, "longitude": 37.61 }', contact: '[{ "name": "Анна", "phones": ["+79001111111"] }]' } });
  const asExpression = toComponentProperties({ attributes: {}, fields: { location: 'allValues.clinic.location', contact: '{ name: allValues.doctor }' } });

  assert.deepEqual(asJson.location, { latitude: 55.75, longitude: 37.61 });
  assert.deepEqual(asJson.contact, [{ name: 'Анна', phones: ['+79001111111'] }]);
  assert.equal(asExpression.location, 'allValues.clinic.location');
  assert.equal(asExpression.contact, '{ name: allValues.doctor }');
});
