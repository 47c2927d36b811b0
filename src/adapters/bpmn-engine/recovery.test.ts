import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { BpmnEngineExecutionState } from 'bpmn-engine';
import { createEngine, runProcess } from './run-process.js';
import { anna, appointment, reminderProcess, sendReminder, world, type World } from './testing.js';

let w: World;
beforeEach(async () => {
  w = await world();
  w.sandbox.engine.sendDelayMs = 5_000;
});

const source = reminderProcess(sendReminder());

/** Saved state as a host stores it: plain JSON. */
function stored(state: BpmnEngineExecutionState): BpmnEngineExecutionState {
  return JSON.parse(JSON.stringify(state)) as BpmnEngineExecutionState;
}

/** A fresh engine (a new random instance id of its own) that takes over from saved state. */
async function resumeFrom(state: BpmnEngineExecutionState) {
  const engine = createEngine(source, { gateway: w.gateway, clock: w.sandbox.clock });
  engine.recover(stored(state));
  const ended = engine.waitFor('end');
  await engine.resume();
  return { engine, ended };
}

describe('a process recovered from saved state', () => {
  test('the host died while the reminder was on the wire; the resumed task reuses its key and the client sees it once', async () => {
    const first = createEngine(source, { gateway: w.gateway, clock: w.sandbox.clock, variables: { allValues: appointment } });
    await first.execute();
    await w.sendsStarted(1);
    const state = await first.getState();
    // The send that had left still arrives, and is recorded under its idempotency key.
    w.sandbox.clock.advance(5_000);
    await first.waitFor('end');
    assert.equal(w.seenBy(anna).length, 1);

    const { engine, ended } = await resumeFrom(state);
    await ended;

    assert.equal(w.calls.length, 2, 'the recovered task ran again');
    assert.equal(w.calls[1]?.key, w.calls[0]?.key, 'under the saved instance id, not the new engine’s own');
    assert.equal(w.seenBy(anna).length, 1);
    assert.deepEqual(engine.environment.output.reminder, first.environment.output.reminder);
  });

  test('the host stopped the engine mid-send: the send is aborted, and the resumed task sends it once', async () => {
    const first = createEngine(source, { gateway: w.gateway, clock: w.sandbox.clock, variables: { allValues: appointment } });
    await first.execute();
    await w.sendsStarted(1);
    const state = await first.getState();
    await first.stop();
    assert.equal(w.calls[0]?.signal.aborted, true);
    w.sandbox.clock.advance(60_000);
    assert.deepEqual(w.seenBy(anna), []);

    const { ended } = await resumeFrom(state);
    await w.sendsStarted(2);
    w.sandbox.clock.advance(5_000);
    await ended;

    assert.equal(w.calls[1]?.key, w.calls[0]?.key);
    assert.equal(w.seenBy(anna).length, 1);
  });

  test('the same instance id run again (a host retrying a whole scenario) returns the first result and sends nothing', async () => {
    w.sandbox.engine.sendDelayMs = 0;
    const first = await runProcess(source, { gateway: w.gateway, processInstanceId: 'instance-1', variables: { allValues: appointment } });
    const again = await runProcess(source, { gateway: w.gateway, processInstanceId: 'instance-1', variables: { allValues: appointment } });

    assert.deepEqual(again.output.reminder, first.output.reminder);
    assert.equal(w.seenBy(anna).length, 1);
  });

  test('a key written per record keeps two instances from reminding the same appointment twice', async () => {
    w.sandbox.engine.sendDelayMs = 0;
    const perRecord = reminderProcess(sendReminder({ attributes: 'idempotencyKey="appointment-reminder:${allValues.id}"' }));

    await runProcess(perRecord, { gateway: w.gateway, variables: { allValues: appointment } });
    await runProcess(perRecord, { gateway: w.gateway, variables: { allValues: appointment } });

    assert.deepEqual(
      w.calls.map((call) => call.key),
      ['appointment-reminder:7', 'appointment-reminder:7'],
    );
    assert.equal(w.seenBy(anna).length, 1);
  });
});
