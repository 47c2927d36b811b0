import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actionJsonSchema, actionNames } from '../domain/actions.js';
import { errorCodes } from '../domain/errors.js';
import { formDescriptor } from './descriptor.js';

describe('the designer’s form descriptor', () => {
  const descriptor = formDescriptor();

  test('every field has a label and help in English and Russian', () => {
    for (const field of descriptor.fields) {
      for (const text of [field.label, field.help]) {
        assert.ok(text.en.length > 0 && text.ru.length > 0, field.name);
        assert.match(text.ru, /[а-яё]/i, `${field.name} has Russian text`);
      }
    }
  });

  test('uses the seed’s Russian names for the properties and actions', () => {
    const label = (name: string) => descriptor.fields.find((field) => field.name === name)?.label.ru;
    assert.equal(label('connection'), 'Авторизационный токен');
    assert.equal(label('chat'), 'Диалог');
    assert.equal(label('attachmentFormat'), 'Формат отправки вложений');
    assert.equal(label('resultVariable'), 'Сохранить в');
    assert.deepEqual(descriptor.actions.map((action) => action.label.ru), [
      'Отправить сообщение',
      'Отправить геолокацию',
      'Отправить контакт',
      'Отправить реакцию на сообщение',
      'Переслать сообщение',
      'Изменить сообщение',
      'Удалить сообщение',
    ]);
  });

  test('shows each action’s fields, and marks the ones its schema requires', () => {
    for (const action of actionNames) {
      const required = (actionJsonSchema(action).required as string[]) ?? [];
      for (const name of required) {
        const field = descriptor.fields.find((candidate) => candidate.name === name);
        assert.ok(field, `${action}.${name} is a field`);
        assert.ok(field.visibleFor?.includes(action), `${name} shows for ${action}`);
        assert.ok(field.requiredFor.includes(action), `${name} is required for ${action}`);
      }
    }
    const emoji = descriptor.fields.find((field) => field.name === 'emoji');
    assert.deepEqual(emoji?.visibleFor, ['sendReaction']);
  });

  test('gives the defaults a run applies', () => {
    const byName = Object.fromEntries(descriptor.fields.map((field) => [field.name, field]));
    assert.equal(byName.attachmentFormat?.default, 'media');
    assert.equal(byName.forEveryone?.default, true);
    assert.equal(byName.timeoutMs?.default, 30_000);
  });

  test('lists the error and timeout boundary events with every error code', () => {
    const error = descriptor.boundaryEvents.find((event) => event.type === 'error');
    assert.deepEqual(error?.codes, errorCodes);
    assert.ok(descriptor.boundaryEvents.some((event) => event.type === 'timeout' && event.label.ru === 'Таймаут'));
  });

  test('is plain JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(descriptor)), descriptor);
  });
});
