import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actionJsonSchema, actionNames } from '../domain/actions.js';
import { errorCodes } from '../domain/errors.js';
import { formDescriptor, inLanguage, type Localized } from './descriptor.js';
import { actionFields } from './evaluate-properties.js';
import { whatsAppModdle } from '../adapters/bpmn-engine/schema.js';

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
    assert.equal(label('action'), 'Действие');
    assert.equal(label('text'), 'Текст');
    assert.equal(label('attachments'), 'Вложения');
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

  test('every action, its options and the boundary events are labelled in English and Russian', () => {
    const texts: Localized[] = [
      descriptor.name,
      descriptor.description,
      ...descriptor.actions.flatMap((action) => [action.label, action.help]),
      ...descriptor.fields.flatMap((field) => (field.options ?? []).map((option) => option.label)),
      ...descriptor.boundaryEvents.flatMap((event) => [event.label, event.help]),
    ];
    for (const text of texts) assert.ok(text.en.length > 0 && text.ru.length > 0, JSON.stringify(text));
    assert.deepEqual(descriptor.actions.map((action) => action.value), actionNames);
    assert.deepEqual(descriptor.actions.map((action) => action.label.en), [
      'Send message',
      'Send location',
      'Send contact',
      'Send reaction to a message',
      'Forward message',
      'Edit message',
      'Delete message',
    ]);
  });

  test('offers the actions and the attachment formats as labelled choices', () => {
    const options = (name: string) => descriptor.fields.find((field) => field.name === name)?.options;
    assert.deepEqual(options('action')?.map((option) => option.value), actionNames);
    assert.deepEqual(options('attachmentFormat')?.map((option) => [option.value, option.label.ru]), [
      ['media', 'Медиа'],
      ['document', 'Документ'],
    ]);
  });

  test('shows each action’s fields, and marks the ones its schema requires', () => {
    for (const action of actionNames) {
      const required = (actionJsonSchema(action).required as string[]) ?? [];
      const entry = descriptor.actions.find((candidate) => candidate.value === action);
      for (const name of ['connection', 'action', ...required]) {
        const field = descriptor.fields.find((candidate) => candidate.name === name);
        assert.ok(field, `${action}.${name} is a field`);
        assert.ok(field.visibleFor.includes(action), `${name} shows for ${action}`);
        assert.ok(field.requiredFor.includes(action), `${name} is required for ${action}`);
        assert.ok(entry?.required.includes(field.name), `${action} lists ${name} as required`);
      }
      const shown = descriptor.fields.filter((field) => field.visibleFor.includes(action)).map((field) => field.name);
      assert.deepEqual(new Set(shown), new Set(['connection', 'action', ...actionFields[action], 'resultVariable', 'timeoutMs']), `the fields of ${action}`);
    }
    const byName = Object.fromEntries(descriptor.fields.map((field) => [field.name, field]));
    assert.deepEqual(byName.emoji?.visibleFor, ['sendReaction']);
    assert.deepEqual(byName.text?.requiredFor, ['editMessage'], 'sendMessage takes a text or attachments');
    assert.deepEqual(byName.resultVariable?.requiredFor, []);
  });

  test('gives each action the JSON Schema its evaluated input is validated with', () => {
    for (const action of descriptor.actions) assert.deepEqual(action.schema, actionJsonSchema(action.value));
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

  test('describes the task that waits for a reply with the attributes <wa:awaitReply> reads, and its "no answer" timer', () => {
    const { waitForReply } = descriptor;
    const attributes = (whatsAppModdle.types.find((type) => type.name === 'AwaitReply')?.properties ?? []).map((property) => property.name);
    assert.deepEqual(waitForReply.fields.map((field) => field.name), attributes);
    assert.deepEqual(waitForReply.fields.filter((field) => field.required).map((field) => field.name), ['connection', 'chat']);
    assert.ok(waitForReply.elements.includes('receiveTask'));
    assert.deepEqual(waitForReply.boundaryEvents.map((event) => [event.type, event.label.ru]), [['timer', 'Нет ответа']]);
    for (const text of [waitForReply.label, waitForReply.help, ...waitForReply.fields.flatMap((field) => [field.label, field.help])]) assert.match(text.ru, /[а-яё]/i);
  });

  test('is plain JSON, the same on every call, and the caller’s own to change', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(descriptor)), descriptor);
    const changed = formDescriptor();
    changed.fields[0]!.label.en = 'changed';
    changed.actions[0]!.fields.push('emoji');
    changed.boundaryEvents[0]!.codes!.pop();
    assert.equal(JSON.stringify(formDescriptor()), JSON.stringify(descriptor));
  });

  test('comes in one language for designers that show one', () => {
    const ru = inLanguage(descriptor, 'ru');
    assert.equal(ru.fields.find((field) => field.name === 'connection')?.label, 'Авторизационный токен');
    assert.equal(ru.fields.find((field) => field.name === 'attachmentFormat')?.options?.[1]?.label, 'Документ');
    assert.equal(ru.actions[0]?.label, 'Отправить сообщение');
    assert.equal(ru.boundaryEvents[1]?.label, 'Таймаут');
    assert.deepEqual(ru.actions[0]?.schema, actionJsonSchema('sendMessage'));
    assert.equal(inLanguage(descriptor, 'en').actions[6]?.help, descriptor.actions[6]?.help.en);
    assert.doesNotMatch(JSON.stringify(ru), /"en":/);
  });
});
