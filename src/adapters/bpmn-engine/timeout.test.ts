import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { runProcess } from './run-process.js';
import { afterDuration, anna, appointment, boundary, catchAll, exits, onError, reminderProcess, sendReminder, world, type World } from './testing.js';

let w: World;
beforeEach(async () => {
  w = await world();
  w.sandbox.engine.sendDelayMs = 60_000;
});

describe('the seed’s "Timeout" exit as an error boundary event for TIMEOUT (the task’s own timeoutMs)', () => {
  test('a send slower than timeoutMs leaves through the TIMEOUT boundary only, not also the catch-all one, and never arrives', async () => {
    const { taken, services } = exits();
    const extra = boundary('onTimeout', onError('timedOut'), 'timeoutHandled') + boundary('onError', catchAll, 'errorHandled');
    const running = runProcess(reminderProcess(sendReminder({ attributes: 'timeoutMs="1000"' }), extra), {
      gateway: w.gateway,
      services,
      clock: w.sandbox.clock,
      variables: { allValues: appointment },
    });
    await w.sendsStarted(1);

    w.sandbox.clock.advance(1_000);
    const run = await running;

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['timeoutHandled']);
    w.sandbox.clock.advance(120_000);
    assert.deepEqual(w.seenBy(anna), []);
  });

  test('any other failure still leaves through the catch-all boundary beside it', async () => {
    const { taken, services } = exits();
    const extra = boundary('onTimeout', onError('timedOut'), 'timeoutHandled') + boundary('onError', catchAll, 'errorHandled');

    const run = await runProcess(reminderProcess(sendReminder({ chat: 'allValues.clientName' }), extra), { gateway: w.gateway, services, variables: { allValues: appointment } });

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['errorHandled']);
  });
});

describe('a timer boundary event on the WhatsApp task', () => {
  test('interrupts a slow send: the send is aborted and the recipient never sees it', async () => {
    const { taken, services } = exits();
    // The task's own limit is well past the timer's, so only the timer can end the wait.
    const task = sendReminder({ attributes: 'timeoutMs="600000"' });
    const running = runProcess(reminderProcess(task, boundary('tooSlow', afterDuration('PT30S'), 'timeoutHandled')), {
      gateway: w.gateway,
      services,
      clock: w.sandbox.clock,
      variables: { allValues: appointment },
    });
    await w.sendsStarted(1);

    w.sandbox.clock.advance(29_999);
    assert.equal(w.calls[0]?.signal.aborted, false);
    // bpmn-engine reads the wall clock twice when it turns PT30S into a delay, so on a busy
    // machine the delay can come out a few milliseconds over 30 s, never under.
    w.sandbox.clock.advance(1_000);
    const run = await running;

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, ['timeoutHandled']);
    assert.equal(w.calls[0]?.signal.aborted, true);
    w.sandbox.clock.advance(120_000);
    assert.deepEqual(w.seenBy(anna), []);
    assert.equal(run.output.reminder, undefined);
  });

  test('does not fire when the send finishes in time', async () => {
    const { taken, services } = exits();
    w.sandbox.engine.sendDelayMs = 5_000;
    const running = runProcess(reminderProcess(sendReminder(), boundary('tooSlow', afterDuration('PT30S'), 'timeoutHandled')), {
      gateway: w.gateway,
      services,
      clock: w.sandbox.clock,
      variables: { allValues: appointment },
    });
    await w.sendsStarted(1);

    w.sandbox.clock.advance(5_000);
    const run = await running;

    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(taken, []);
    assert.equal(w.seenBy(anna).length, 1);
    assert.equal(w.sandbox.clock.pendingTimers, 0, 'the boundary timer was cleared');
  });
});
