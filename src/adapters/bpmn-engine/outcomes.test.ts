import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ActionResult } from '../../domain/result.js';
import { runProcess } from './run-process.js';
import { anna, appointment, boundary, catchAll, definitions, exits, noWhatsApp, onError, reminderProcess, sendReminder, world, type World } from './testing.js';

let w: World;
beforeEach(async () => {
  w = await world();
});

describe('a completed WhatsApp task', () => {
  test('sends the seed’s reminder and keeps the result in the variable the task names', async () => {
    const run = await runProcess(reminderProcess(sendReminder()), { gateway: w.gateway, variables: { allValues: appointment } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    const reminder = run.output.reminder as ActionResult;
    assert.equal(reminder.action, 'sendMessage');
    assert.equal(reminder.chat, '79001111111@s.whatsapp.net');
    assert.deepEqual(
      w.seenBy(anna).map((message) => message.text),
      ['Добрый день, Анна! Напоминаем о вашей записи на завтра, 25.11.2026, в 10:30. Специалист: Иванова Мария Петровна. Будем ждать вас!'],
    );
  });

  test('a later task edits the reminder through the saved result, and a plain service sees it as a process variable', async () => {
    const seen: unknown[] = [];
    const inspect = (context: { environment: { variables: Record<string, unknown> } }, next: () => void) => {
      seen.push(context.environment.variables.reminder);
      next();
    };
    const source = definitions(`
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="remind" />
    <serviceTask id="remind"><extensionElements>${sendReminder()}</extensionElements></serviceTask>
    <sequenceFlow id="f2" sourceRef="remind" targetRef="inspect" />
    <serviceTask id="inspect" implementation="\${environment.services.inspect}" />
    <sequenceFlow id="f3" sourceRef="inspect" targetRef="reschedule" />
    <serviceTask id="reschedule">
      <extensionElements>
        <wa:task connection="session-1" action="editMessage" resultVariable="edited">
          <wa:message>variables.reminder</wa:message>
          <wa:text>\${allValues.clientName}, ваша запись перенесена на 11:00.</wa:text>
        </wa:task>
      </extensionElements>
    </serviceTask>
    <sequenceFlow id="f4" sourceRef="reschedule" targetRef="end" />
    <endEvent id="end" />`);

    const run = await runProcess(source, { gateway: w.gateway, services: { inspect }, variables: { allValues: appointment } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    const reminder = run.output.reminder as ActionResult;
    assert.deepEqual(seen, [reminder]);
    assert.equal((run.output.edited as ActionResult).id, reminder.id);
    assert.equal(w.seenBy(anna).length, 1);
    assert.equal(w.seenBy(anna)[0]?.text, 'Анна, ваша запись перенесена на 11:00.');
    assert.equal(w.seenBy(anna)[0]?.edited, true);
  });

  test('a send task works too, and location and contact may be written as JSON', async () => {
    const source = definitions(`
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="where" />
    <sendTask id="where">
      <extensionElements>
        <wa:task connection="session-1" action="sendLocation" resultVariable="location">
          <wa:chat>allValues.clientPhone</wa:chat>
          <wa:location>{ "latitude": 55.7558, "longitude": 37.6173, "name": "Клиника", "address": "Тверская, 1" }</wa:location>
        </wa:task>
      </extensionElements>
    </sendTask>
    <sequenceFlow id="f2" sourceRef="where" targetRef="who" />
    <serviceTask id="who">
      <extensionElements>
        <wa:task connection="session-1" action="sendContact">
          <wa:chat>allValues.clientPhone</wa:chat>
          <wa:contact>{ "name": "\${allValues.specialistName}", "phones": ["+79007777777"] }</wa:contact>
        </wa:task>
      </extensionElements>
    </serviceTask>
    <sequenceFlow id="f3" sourceRef="who" targetRef="end" />
    <endEvent id="end" />`);

    const run = await runProcess(source, { gateway: w.gateway, variables: { allValues: appointment } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    const [location, contact] = w.seenBy(anna);
    assert.equal(location?.location?.name, 'Клиника');
    assert.equal(contact?.contact?.displayName, 'Иванова Мария Петровна');
  });
});

describe('a failed WhatsApp task', () => {
  test('leaves through the error boundary event for its code (INVALID_CHAT), not through one for another code', async () => {
    const { taken, services } = exits();
    const extra = boundary('onInvalidChat', onError('invalidChat'), 'invalidChatHandled') + boundary('onTimeout', onError('timedOut'), 'timeoutHandled');

    const run = await runProcess(reminderProcess(sendReminder({ chat: 'allValues.clientName' }), extra), { gateway: w.gateway, services, variables: { allValues: appointment } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['invalidChatHandled']);
    assert.equal(run.output.reminder, undefined);
    assert.deepEqual(w.seenBy(anna), []);
  });

  test('a catch-all error boundary event (no errorRef) catches any code, e.g. NOT_ON_WHATSAPP', async () => {
    const { taken, services } = exits();

    const run = await runProcess(reminderProcess(sendReminder({ chat: `"${noWhatsApp}"` }), boundary('onAnyError', catchAll, 'failureNoted')), {
      gateway: w.gateway,
      services,
      variables: { allValues: appointment },
    });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['failureNoted']);
  });

  test('with no boundary event the process ends in error, with the code and message in the result', async () => {
    const run = await runProcess(reminderProcess(sendReminder({ chat: 'allValues.clientName' })), { gateway: w.gateway, variables: { allValues: appointment } });

    assert.equal(run.status, 'error');
    assert.equal(run.error?.code, 'INVALID_CHAT');
    assert.equal(run.error?.elementId, 'remind');
    assert.match(run.error?.message ?? '', /Анна/);
  });

  test('an expression error is a failure with its code like any other', async () => {
    const run = await runProcess(reminderProcess(sendReminder({ chat: 'allValues.constructor' })), { gateway: w.gateway, variables: { allValues: appointment } });

    assert.equal(run.status, 'error');
    assert.equal(run.error?.code, 'EXPRESSION_ERROR');
    assert.deepEqual(w.calls, []);
  });

  test('a <wa:task> on an element that cannot run it is refused when the process loads, instead of being skipped', async () => {
    const source = definitions(`
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="remind" />
    <userTask id="remind"><extensionElements>${sendReminder()}</extensionElements></userTask>
    <sequenceFlow id="f2" sourceRef="remind" targetRef="end" />
    <endEvent id="end" />`);

    await assert.rejects(runProcess(source, { gateway: w.gateway, variables: { allValues: appointment } }), /belongs in a serviceTask or sendTask; remind is a bpmn:UserTask/);
  });
});
