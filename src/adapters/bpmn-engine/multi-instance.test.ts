import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { runProcess } from './run-process.js';
import { anna, appointments, boris, definitions, reminderProcess, sendReminder, vera, world, type World } from './testing.js';

let w: World;
beforeEach(async () => {
  w = await world();
});

describe('one WhatsApp task per record', () => {
  test('a multi-instance task over 3 appointments reminds each client once, under 3 distinct keys', async () => {
    const loop = '\n      <multiInstanceLoopCharacteristics isSequential="true" wa:collection="${environment.variables.appointments}" />';

    const run = await runProcess(reminderProcess(sendReminder(), '', loop), { gateway: w.gateway, processInstanceId: 'run-1', variables: { appointments } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      w.calls.map((call) => call.key),
      ['run-1:remind:0', 'run-1:remind:1', 'run-1:remind:2'],
    );
    assert.match(w.seenBy(anna)[0]?.text ?? '', /^Добрый день, Анна!/);
    assert.match(w.seenBy(boris)[0]?.text ?? '', /^Добрый день, Борис!/);
    assert.match(w.seenBy(vera)[0]?.text ?? '', /^Добрый день, Вера!/);
    assert.equal(w.seenBy(anna).length + w.seenBy(boris).length + w.seenBy(vera).length, 3);
  });

  test('parallel runs send the same three reminders', async () => {
    const loop = '\n      <multiInstanceLoopCharacteristics isSequential="false" wa:collection="${environment.variables.appointments}" />';

    const run = await runProcess(reminderProcess(sendReminder(), '', loop), { gateway: w.gateway, processInstanceId: 'run-2', variables: { appointments } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(w.calls.map((call) => call.key).sort(), ['run-2:remind:0', 'run-2:remind:1', 'run-2:remind:2']);
    assert.equal(w.seenBy(vera).length, 1);
  });

  test('wa:outputCollection hands the next step every run’s result in the collection’s order, also from parallel runs', async () => {
    const loop = '\n      <multiInstanceLoopCharacteristics isSequential="false" wa:collection="${environment.variables.appointments}" wa:outputCollection="reminders" />';
    const seen: unknown[] = [];
    const services = {
      reached: (context: { environment: { variables: Record<string, unknown> } }, next: () => void) => {
        seen.push(context.environment.variables.reminders);
        next();
      },
    };
    const afterwards = `
    <sequenceFlow id="toCheck" sourceRef="remind" targetRef="check" />
    <serviceTask id="check" implementation="\${environment.services.reached}" />`;
    const source = reminderProcess(sendReminder(), afterwards, loop).replace('<sequenceFlow id="toEnd" sourceRef="remind" targetRef="end" />', '<sequenceFlow id="toEnd" sourceRef="check" targetRef="end" />');

    const run = await runProcess(source, { gateway: w.gateway, services, variables: { appointments } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    const reminders = seen[0] as { chat: string; id: string }[];
    assert.deepEqual(
      reminders.map((reminder) => reminder.chat),
      [anna, boris, vera].map((phone) => `${phone.slice(1)}@s.whatsapp.net`),
    );
    assert.deepEqual(reminders.map((reminder) => reminder.id), [anna, boris, vera].map((phone) => w.seenBy(phone)[0]?.id));
    assert.deepEqual(run.output.reminders, reminders);
  });

  test('a task inside a multi-instance sub-process gets the run’s record as allValues (and under the loop’s name) and a key per run', async () => {
    const source = definitions(`
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="perRecord" />
    <subProcess id="perRecord">
      <multiInstanceLoopCharacteristics isSequential="true" wa:collection="\${environment.variables.appointments}" wa:elementVariable="appointment" />
      <startEvent id="recordStart" />
      <sequenceFlow id="f2" sourceRef="recordStart" targetRef="remind" />
      <serviceTask id="remind">
        <extensionElements>
          <wa:task connection="session-1" action="sendMessage" resultVariable="reminder">
            <wa:chat>appointment.clientPhone</wa:chat>
            <wa:text>\${allValues.clientName}, запись №\${appointment.id}</wa:text>
          </wa:task>
        </extensionElements>
      </serviceTask>
      <sequenceFlow id="f3" sourceRef="remind" targetRef="recordEnd" />
      <endEvent id="recordEnd" />
    </subProcess>
    <sequenceFlow id="f4" sourceRef="perRecord" targetRef="end" />
    <endEvent id="end" />`);

    const run = await runProcess(source, { gateway: w.gateway, processInstanceId: 'run-3', variables: { appointments } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      w.calls.map((call) => call.key),
      ['run-3:remind:0', 'run-3:remind:1', 'run-3:remind:2'],
    );
    assert.equal(w.seenBy(anna)[0]?.text, 'Анна, запись №1');
    assert.equal(w.seenBy(boris)[0]?.text, 'Борис, запись №2');
    assert.equal(w.seenBy(vera)[0]?.text, 'Вера, запись №3');
  });

  test('a flow that loops back to the task sends again, under a key for the second pass', async () => {
    const countRound = (context: { environment: { variables: Record<string, unknown> } }, next: () => void) => {
      const variables = context.environment.variables;
      variables.round = Number(variables.round ?? 0) + 1;
      variables.again = (variables.round as number) < 2;
      next();
    };
    const source = definitions(`
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="remind" />
    <serviceTask id="remind"><extensionElements>${sendReminder()}</extensionElements></serviceTask>
    <sequenceFlow id="f2" sourceRef="remind" targetRef="count" />
    <serviceTask id="count" implementation="\${environment.services.countRound}" />
    <sequenceFlow id="f3" sourceRef="count" targetRef="remindAgain" />
    <exclusiveGateway id="remindAgain" default="done" />
    <sequenceFlow id="again" sourceRef="remindAgain" targetRef="remind">
      <conditionExpression xsi:type="tFormalExpression">\${environment.variables.again}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="done" sourceRef="remindAgain" targetRef="end" />
    <endEvent id="end" />`);

    const run = await runProcess(source, { gateway: w.gateway, services: { countRound }, processInstanceId: 'run-4', variables: { allValues: appointments[0] } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      w.calls.map((call) => call.key),
      ['run-4:remind:0', 'run-4:remind:0+1'],
    );
    assert.equal(w.seenBy(anna).length, 2);
  });
});
