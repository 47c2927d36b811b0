import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ActionRunner } from '../../actions/runner.js';
import { inProcessGateway, type ActionGateway } from '../../component/index.js';
import { linkedSandbox, type LinkedSandbox } from '../../engines/sandbox/index.js';
import { createEngine, runProcess } from './run-process.js';

const anna = '+79001111111';
const reminder = 'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!';
const record = { id: 7, clientName: 'Анна', clientPhone: '+7 (900) 111-11-11', appointmentDate: '25.11.2026', appointmentTime: '10:30', specialistName: 'Иванова М. П.' };

let sandbox: LinkedSandbox;
let gateway: ActionGateway;

beforeEach(async () => {
  sandbox = await linkedSandbox({ phones: { [anna]: { name: 'Анна' }, '+79002222222': {}, '+79003333333': {} } });
  gateway = inProcessGateway(new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock }));
});

function seenBy(phone: string) {
  return sandbox.network.conversation(phone, sandbox.bot.jid);
}

/** A process: start → the WhatsApp task (with optional boundary events) → end. */
function process(task: string, boundaries = '', extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:wa="urn:whatsapp-connector:bpmn:1" id="defs">
  <error id="invalidChat" errorCode="INVALID_CHAT" />
  <error id="timedOut" errorCode="TIMEOUT" />
  <process id="reminder" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toTask" sourceRef="start" targetRef="remind" />
    <serviceTask id="remind">
      <extensionElements>${task}</extensionElements>
    </serviceTask>
    <sequenceFlow id="toEnd" sourceRef="remind" targetRef="end" />
    <endEvent id="end" />
    ${boundaries}
    ${extra}
  </process>
</definitions>`;
}

const sendTask = (chat = 'allValues.clientPhone', attrs = '') =>
  `<wa:task connection="session-1" action="sendMessage" resultVariable="reminder" ${attrs}><wa:chat>${chat}</wa:chat><wa:text>${reminder}</wa:text></wa:task>`;

/** An error boundary whose path runs the service `handled`, so a test sees which boundary was taken. */
const errorBoundary = (id: string, ref: string | undefined, target: string) => `
    <boundaryEvent id="${id}" attachedToRef="remind">${ref ? `<errorEventDefinition errorRef="${ref}" />` : '<errorEventDefinition />'}</boundaryEvent>
    <sequenceFlow id="${id}Flow" sourceRef="${id}" targetRef="${target}" />
    <serviceTask id="${target}" implementation="\${environment.services.handled}" />`;

function recorder() {
  const taken: string[] = [];
  const handled = (context: { content: { id: string } }, next: () => void) => {
    taken.push(context.content.id);
    next();
  };
  return { taken, services: { handled } };
}

describe('the WhatsApp task in a BPMN process', () => {
  test('completes: the reminder is sent and the result variable is set in the process', async () => {
    const run = await runProcess(process(sendTask()), { gateway, variables: { allValues: record } });
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const result = run.output.reminder as { id: string; chat: string };
    assert.equal(result.chat, '79001111111@s.whatsapp.net');
    assert.deepEqual(seenBy(anna).map((m) => m.text), [
      'Добрый день, Анна! Напоминаем о вашей записи на завтра, 25.11.2026, в 10:30. Специалист: Иванова М. П.. Будем ждать вас!',
    ]);
  });

  test('a later task edits the message through the saved result', async () => {
    const source = process(sendTask()).replace(
      '<sequenceFlow id="toEnd" sourceRef="remind" targetRef="end" />',
      `<sequenceFlow id="toEdit" sourceRef="remind" targetRef="edit" />
    <serviceTask id="edit"><extensionElements><wa:task connection="session-1" action="editMessage" resultVariable="edited"><wa:message>variables.reminder</wa:message><wa:text>Перенесено на 11:00</wa:text></wa:task></extensionElements></serviceTask>
    <sequenceFlow id="toEnd" sourceRef="edit" targetRef="end" />`,
    );
    const run = await runProcess(source, { gateway, variables: { allValues: record } });
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.equal(seenBy(anna)[0]?.text, 'Перенесено на 11:00');
    assert.equal(seenBy(anna)[0]?.edited, true);
  });

  test('an error boundary with the matching errorCode catches INVALID_CHAT; one for another code does not', async () => {
    const boundaries = errorBoundary('onInvalidChat', 'invalidChat', 'invalidChatEnd') + errorBoundary('onTimeout', 'timedOut', 'timeoutEnd');
    const { taken, services } = recorder();
    const run = await runProcess(process(sendTask('allValues.clientName'), boundaries), { gateway, services, variables: { allValues: record } });
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['invalidChatEnd']);
    assert.deepEqual(seenBy(anna), []);
  });

  test('a catch-all error boundary catches every code, e.g. NOT_ON_WHATSAPP', async () => {
    sandbox.network.addPhone('+79009999999', { onWhatsApp: false });
    const { taken, services } = recorder();
    const run = await runProcess(process(sendTask('"+79009999999"'), errorBoundary('onAnyError', undefined, 'failedEnd')), { gateway, services, variables: { allValues: record } });
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['failedEnd']);
  });

  test('with no boundary event the process ends in error and the message is in the result', async () => {
    const run = await runProcess(process(sendTask('allValues.clientName')), { gateway, variables: { allValues: record } });
    assert.equal(run.status, 'error');
    if (run.status !== 'error') return;
    assert.equal(run.error.code, 'INVALID_CHAT');
    assert.match(run.error.message, /Анна/);
  });

  test('the component’s own time limit leaves through the TIMEOUT error boundary, and nothing arrives', async () => {
    sandbox.engine.sendDelayMs = 60_000;
    const { taken, services } = recorder();
    const pending = runProcess(process(sendTask('allValues.clientPhone', 'timeoutMs="1000"'), errorBoundary('onTimeout', 'timedOut', 'timeoutEnd')), {
      gateway,
      services,
      clock: sandbox.clock,
      variables: { allValues: record },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sandbox.clock.advance(1_000);
    const run = await pending;
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['timeoutEnd']);
    sandbox.clock.advance(120_000);
    assert.deepEqual(seenBy(anna), []);
  });

  test('a timer boundary event interrupts a slow send, which is aborted and never arrives', async () => {
    sandbox.engine.sendDelayMs = 60_000;
    const timer = `
    <boundaryEvent id="tooSlow" attachedToRef="remind" cancelActivity="true"><timerEventDefinition><timeDuration xsi:type="tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">PT0.1S</timeDuration></timerEventDefinition></boundaryEvent>
    <sequenceFlow id="tooSlowFlow" sourceRef="tooSlow" targetRef="tooSlowEnd" />
    <endEvent id="tooSlowEnd" />`;
    const run = await runProcess(process(sendTask(), timer), { gateway, clock: sandbox.clock, variables: { allValues: record } });
    assert.equal(run.status, 'completed', JSON.stringify(run));
    sandbox.clock.advance(120_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(seenBy(anna), []);
  });

  test('a multi-instance task sends one message per record, each under its own key', async () => {
    const people = [
      { ...record, id: 1, clientPhone: anna },
      { ...record, id: 2, clientPhone: '+79002222222', clientName: 'Борис' },
      { ...record, id: 3, clientPhone: '+79003333333', clientName: 'Вера' },
    ];
    const source = process(sendTask()).replace(
      '<serviceTask id="remind">',
      '<serviceTask id="remind"><multiInstanceLoopCharacteristics isSequential="true"><loopDataInputRef>people</loopDataInputRef></multiInstanceLoopCharacteristics>',
    );
    const withCollection = source.replace('<loopDataInputRef>people</loopDataInputRef>', '').replace('isSequential="true"', 'isSequential="true" wa:collection="${environment.variables.people}"');
    const run = await runProcess(withCollection, { gateway, variables: { people } });
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.equal(seenBy(anna).length, 1);
    assert.match(seenBy('+79002222222')[0]?.text ?? '', /Борис/);
    assert.match(seenBy('+79003333333')[0]?.text ?? '', /Вера/);
  });

  test('running the same instance again (a resumed process) sends nothing twice', async () => {
    const first = await runProcess(process(sendTask()), { gateway, variables: { allValues: record }, processInstanceId: 'instance-1' });
    const again = await runProcess(process(sendTask()), { gateway, variables: { allValues: record }, processInstanceId: 'instance-1' });
    assert.deepEqual(again.output.reminder, first.output.reminder);
    assert.equal(seenBy(anna).length, 1);
  });

  test('an idempotency key written per record keeps two instances from reminding twice', async () => {
    const task = sendTask('allValues.clientPhone', 'idempotencyKey="appointment-reminder:${allValues.id}"');
    await runProcess(process(task), { gateway, variables: { allValues: record } });
    await runProcess(process(task), { gateway, variables: { allValues: record } });
    assert.equal(seenBy(anna).length, 1);
  });
});

describe('recovering a process from saved state', () => {
  test('a process stopped while its send was in flight, recovered and resumed, reminds once', async () => {
    sandbox.engine.sendDelayMs = 5_000;
    const source = process(sendTask());
    const first = createEngine(source, { gateway, clock: sandbox.clock, name: 'reminder' });
    await first.execute({ variables: { allValues: record, processInstanceId: 'instance-7' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const state = await first.getState();
    await first.stop();
    // The send that was on the wire when the host went down still reaches the client.
    sandbox.clock.advance(5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(seenBy(anna).length, 1);

    sandbox.engine.sendDelayMs = 0;
    const second = createEngine(source, { gateway, clock: sandbox.clock, name: 'reminder' });
    second.recover(JSON.parse(JSON.stringify(state)) as typeof state);
    const ended = second.waitFor('end');
    await second.resume();
    await ended;
    assert.equal(seenBy(anna).length, 1, 'the resumed task reused the idempotency key');
  });
});
