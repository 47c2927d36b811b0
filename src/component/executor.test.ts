import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ActionRunner } from '../actions/runner.js';
import type { ActionResult } from '../domain/result.js';
import { linkedSandbox, type LinkedSandbox } from '../engines/sandbox/index.js';
import { execute, type Outcome } from './executor.js';
import { inProcessGateway, type ActionGateway } from './gateway.js';

const reminderText =
  'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!';

const record = {
  allValues: {
    clientName: 'Анна',
    clientPhone: '+7 (900) 111-11-11',
    appointmentDate: '25.11.2026',
    appointmentTime: '10:30',
    specialistName: 'Иванова Мария Петровна',
  },
};

const anna = '+79001111111';

let sandbox: LinkedSandbox;
let gateway: ActionGateway;
let runner: ActionRunner;

beforeEach(async () => {
  sandbox = await linkedSandbox({ phones: { [anna]: { name: 'Анна' } } });
  runner = new ActionRunner({
    engine: sandbox.engine,
    clock: sandbox.clock,
    attachments: { allowPrivateAddresses: true },
  });
  gateway = inProcessGateway(runner);
});

function seenByAnna() {
  return sandbox.network.conversation(anna, sandbox.bot.jid);
}

function run(properties: Record<string, unknown>, data: Record<string, unknown> = record, key = 'process-1:remind:1'): Promise<Outcome> {
  return execute({ connection: sandbox.sessionId, ...properties }, data, { gateway, idempotencyKey: key, clock: sandbox.clock });
}

function completed(outcome: Outcome): { result: ActionResult; variables: Record<string, ActionResult> } {
  assert.equal(outcome.outcome, 'completed', JSON.stringify(outcome));
  const done = outcome as Extract<Outcome, { outcome: 'completed' }>;
  assert.ok(!('updatedAt' in done.result), 'the action’s result, not its queued message');
  return done as { result: ActionResult; variables: Record<string, ActionResult> };
}

function failed(outcome: Outcome, code: string) {
  assert.notEqual(outcome.outcome, 'completed', JSON.stringify(outcome));
  const { error } = outcome as Exclude<Outcome, { outcome: 'completed' }>;
  assert.equal(error.code, code, error.message);
  return error;
}

describe('the seed’s appointment reminder', () => {
  test('renders the reminder from allValues, sends it to the client and saves the result', async () => {
    const outcome = await run({ action: 'sendMessage', chat: 'allValues.clientPhone', text: reminderText, resultVariable: 'reminder' });
    const { result, variables } = completed(outcome);
    assert.equal(variables.reminder, result);
    assert.equal(result.chat, '79001111111@s.whatsapp.net');
    assert.deepEqual(
      seenByAnna().map((message) => message.text),
      ['Добрый день, Анна! Напоминаем о вашей записи на завтра, 25.11.2026, в 10:30. Специалист: Иванова Мария Петровна. Будем ждать вас!'],
    );
  });

  test('running the same task again with the same key sends nothing twice', async () => {
    const first = completed(await run({ action: 'sendMessage', chat: 'allValues.clientPhone', text: reminderText }));
    const second = completed(await run({ action: 'sendMessage', chat: 'allValues.clientPhone', text: reminderText }));
    assert.deepEqual(second.result, first.result);
    assert.equal(seenByAnna().length, 1);
  });
});

describe('later tasks act on a saved result', () => {
  test('reacts to, edits and deletes the reminder through the result variable', async () => {
    const { variables } = completed(await run({ action: 'sendMessage', chat: anna, text: 'Hello', resultVariable: 'reminder' }, {}, 'send'));
    const data = { variables };
    completed(await run({ action: 'sendReaction', message: 'variables.reminder', emoji: '⏰' }, data, 'react'));
    completed(await run({ action: 'editMessage', message: 'variables.reminder', text: 'Hello, ${allValues.name}', resultVariable: 'edited' }, { ...data, allValues: { name: 'Anna' } }, 'edit'));
    assert.equal(seenByAnna()[0]?.text, 'Hello, Anna');
    assert.deepEqual(seenByAnna()[0]?.reactions.map((r) => r.emoji), ['⏰']);
    const deleted = completed(await run({ action: 'deleteMessage', message: 'variables.reminder', resultVariable: 'deleted' }, data, 'delete'));
    assert.equal(deleted.result.action, 'deleteMessage');
    assert.equal(seenByAnna()[0]?.deleted, true);
  });

  test('sends a location and a contact given as literal objects with templates inside', async () => {
    completed(await run({ action: 'sendLocation', chat: anna, location: { latitude: 55.75, longitude: 37.61, name: '${allValues.place}' } }, { allValues: { place: 'Clinic' } }, 'loc'));
    completed(await run({ action: 'sendContact', chat: anna, contact: { name: '${allValues.doctor}', phones: ['+79007777777'] } }, { allValues: { doctor: 'Dr. Ivanova' } }, 'contact'));
    assert.equal(seenByAnna()[0]?.location?.name, 'Clinic');
    assert.equal(seenByAnna()[1]?.contact?.displayName, 'Dr. Ivanova');
  });

  test('forwards to chats given by an expression', async () => {
    const { variables } = completed(await run({ action: 'sendMessage', chat: anna, text: 'News', resultVariable: 'news' }, {}, 'send'));
    sandbox.network.addPhone('+79002222222');
    const outcome = await run({ action: 'forwardMessage', message: 'variables.news', chat: 'allValues.staff' }, { variables, allValues: { staff: ['+79002222222'] } }, 'fwd');
    assert.equal(completed(outcome).result.action, 'forwardMessage');
    assert.equal(sandbox.network.conversation('+79002222222', sandbox.bot.jid)[0]?.forwarded, true);
  });
});

describe('outcomes that leave through the error boundary', () => {
  test('an invalid chat is INVALID_CHAT and nothing is sent', async () => {
    failed(await run({ action: 'sendMessage', chat: 'allValues.clientName', text: 'Hi' }), 'INVALID_CHAT');
    assert.deepEqual(seenByAnna(), []);
  });

  test('a chat expression that finds no data is VALIDATION_ERROR naming the field', async () => {
    const error = failed(await run({ action: 'sendMessage', chat: 'allValues.missing', text: 'Hi' }), 'VALIDATION_ERROR');
    assert.match(error.message, /chat/);
  });

  test('a broken expression is EXPRESSION_ERROR naming the field and the position', async () => {
    const error = failed(await run({ action: 'sendMessage', chat: anna, text: 'Hi ${allValues.name +}' }), 'EXPRESSION_ERROR');
    assert.equal(error.details?.field, 'text');
    assert.equal(typeof error.details?.position, 'number');
    assert.match(error.message, /^text: /);
  });

  test('an attack hidden in a template is refused and nothing is sent', async () => {
    failed(await run({ action: 'sendMessage', chat: anna, text: '${constructor.constructor("return process")().exit(1)}' }), 'EXPRESSION_ERROR');
    assert.deepEqual(seenByAnna(), []);
  });

  test('a runaway expression (6.6 KB of literals that would join into 386 MB) is EXPRESSION_ERROR and nothing is sent', async () => {
    const zeros = `[${'0,'.repeat(1600)}]`;
    const text = `\${upper(join(${zeros}, join(${zeros}, "${'x'.repeat(150)}")))}`;
    const error = failed(await run({ action: 'sendMessage', chat: anna, text }), 'EXPRESSION_ERROR');
    assert.equal(error.details?.expression, text);
    assert.match(error.message, /^text: A text of 239,850 characters is too long \(at most 65,536\)/);
    assert.deepEqual(seenByAnna(), []);
  });

  test('missing or unknown properties are VALIDATION_ERROR', async () => {
    failed(await run({ action: 'sendFax', chat: anna }), 'VALIDATION_ERROR');
    failed(await run({ action: 'sendMessage', chat: anna }), 'VALIDATION_ERROR');
    failed(await execute({ action: 'sendMessage', chat: anna, text: 'x' }, {}, { gateway, idempotencyKey: 'k' }), 'VALIDATION_ERROR');
  });

  test('a failure without a code is INTERNAL, never a throw', async () => {
    const broken: ActionGateway = { perform: () => Promise.reject(new TypeError('boom')) };
    const outcome = await execute({ connection: 'c', action: 'sendMessage', chat: anna, text: 'x' }, {}, { gateway: broken, idempotencyKey: 'k' });
    failed(outcome, 'INTERNAL');
  });
});

describe('the timeout boundary', () => {
  test('a send slower than timeoutMs leaves through timeout, is aborted, and never arrives', async () => {
    sandbox.engine.sendDelayMs = 5_000;
    const pending = run({ action: 'sendMessage', chat: anna, text: 'Hi', timeoutMs: 1_000 });
    await new Promise((resolve) => setImmediate(resolve));
    sandbox.clock.advance(1_000);
    const error = failed(await pending, 'TIMEOUT');
    assert.equal((await pending).outcome, 'timeout');
    assert.equal(error.details?.timeoutMs, 1_000);
    sandbox.clock.advance(10_000);
    assert.deepEqual(seenByAnna(), []);
  });

  test('a retry of the timed-out task with the same key sends once', async () => {
    sandbox.engine.sendDelayMs = 5_000;
    const pending = run({ action: 'sendMessage', chat: anna, text: 'Hi', timeoutMs: 1_000 });
    await new Promise((resolve) => setImmediate(resolve));
    sandbox.clock.advance(1_000);
    assert.equal((await pending).outcome, 'timeout');
    sandbox.engine.sendDelayMs = 0;
    completed(await run({ action: 'sendMessage', chat: anna, text: 'Hi' }));
    completed(await run({ action: 'sendMessage', chat: anna, text: 'Hi' }));
    assert.equal(seenByAnna().length, 1);
  });

  test('the process stopping the task aborts the send', async () => {
    sandbox.engine.sendDelayMs = 5_000;
    const controller = new AbortController();
    const pending = execute({ connection: sandbox.sessionId, action: 'sendMessage', chat: anna, text: 'Hi' }, {}, { gateway, idempotencyKey: 'k', clock: sandbox.clock, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    assert.notEqual((await pending).outcome, 'completed');
    sandbox.clock.advance(10_000);
    assert.deepEqual(seenByAnna(), []);
  });
});

test('respondAsync completes once the message is queued; the variable holds the queued message, and it is sent once', async () => {
  sandbox.engine.sendDelayMs = 1_000;
  const outcome = await run({ action: 'sendMessage', chat: 'allValues.clientPhone', text: 'Queued for ${allValues.clientName}', resultVariable: 'reminder', respondAsync: true });
  assert.equal(outcome.outcome, 'completed', JSON.stringify(outcome));
  const { variables } = outcome as Extract<Outcome, { outcome: 'completed' }>;
  assert.equal(variables.reminder?.status, 'queued');
  assert.deepEqual(seenByAnna(), [], 'not sent yet');
  sandbox.clock.advance(1_000);
  await runner.idle();
  assert.equal(seenByAnna().length, 1);
  assert.equal(seenByAnna()[0]?.id, variables.reminder?.id, 'the queued message is the one sent');
});
