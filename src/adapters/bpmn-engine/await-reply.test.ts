import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkedSandbox } from '../../engines/sandbox/index.js';
import { feedReplies, ReplyWaits, WaitingProcesses, type ProcessStateStore, type Reply } from './await-reply/index.js';
import { eventually } from '../../../test/support/eventually.js';
import { runProcess } from './run-process.js';
import { afterDuration, definitions } from './testing.js';

/** start → ask (wait for the client's reply) → end, with a timer boundary on the wait for "no answer". */
function askProcess(element: 'serviceTask' | 'receiveTask' = 'serviceTask'): string {
  return definitions(`
    <startEvent id="start" />
    <sequenceFlow id="toAsk" sourceRef="start" targetRef="ask" />
    <${element} id="ask" name="Wait for the client's answer">
      <extensionElements><wa:awaitReply connection="\${connection}" chat="allValues.clientPhone" resultVariable="reply" /></extensionElements>
    </${element}>
    <sequenceFlow id="toEnd" sourceRef="ask" targetRef="end" />
    <endEvent id="end" />
    <boundaryEvent id="noAnswer" attachedToRef="ask">${afterDuration('PT12H')}</boundaryEvent>
    <sequenceFlow id="noAnswerFlow" sourceRef="noAnswer" targetRef="silent" />
    <endEvent id="silent" />`);
}

/** A host's store as a database keeps it: text per instance, nothing shared with the engines. */
function textStore(): ProcessStateStore & { rows: Map<string, string> } {
  const rows = new Map<string, string>();
  return {
    rows,
    save: async (id, state) => void rows.set(id, state),
    remove: async (id) => void rows.delete(id),
    list: async () => [...rows].map(([processInstanceId, state]) => ({ processInstanceId, state })),
  };
}

const phoneOf = (n: number) => `+7901${String(n).padStart(7, '0')}`;

describe('a process that waits for a reply', () => {
  test('200 clients reply at once to 200 waiting processes: each process gets its own client’s reply', async () => {
    const phones = Object.fromEntries(Array.from({ length: 200 }, (_, n) => [phoneOf(n), {}]));
    const sandbox = await linkedSandbox({ phones });
    const replies = new ReplyWaits();
    feedReplies(sandbox.engine, replies);
    const gateway = { perform: () => Promise.reject(new Error('no sends here')) };
    const runs = Array.from({ length: 200 }, (_, n) =>
      runProcess(askProcess(), { gateway, replies, clock: sandbox.clock, variables: { connection: sandbox.sessionId, allValues: { clientPhone: phoneOf(n) } } }),
    );
    for (let tick = 0; replies.size < 200 && tick < 10_000; tick += 1) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(replies.size, 200, 'every process waits');

    // A message from before a wait began is no answer to it; none was sent before, so all count.
    for (let n = 199; n >= 0; n -= 1) sandbox.network.phone(phoneOf(n))!.sendText(sandbox.bot.phone, n % 2 === 0 ? '1' : `2 (client ${n})`);
    const done = await Promise.all(runs);
    done.forEach((run, n) => {
      assert.equal(run.status, 'completed');
      const reply = run.output.reply as { sender: { phone: string }; content: { text: string } };
      assert.equal(reply.sender.phone, phoneOf(n));
      assert.equal(reply.content.text, n % 2 === 0 ? '1' : `2 (client ${n})`);
    });
    assert.equal(replies.size, 0);
  });

  test('no reply within the timer leaves through the "no answer" boundary, and a later message wakes nothing', async () => {
    const client = '+79015550000';
    const sandbox = await linkedSandbox({ phones: { [client]: {} } });
    const replies = new ReplyWaits();
    feedReplies(sandbox.engine, replies);
    const running = runProcess(askProcess('receiveTask'), { gateway: { perform: () => Promise.reject(new Error('none')) }, replies, clock: sandbox.clock, variables: { connection: sandbox.sessionId, allValues: { clientPhone: client } } });
    await eventually(() => replies.size === 1, 'the receive task waits');
    sandbox.clock.advance(12 * 3_600_000);
    const run = await running;
    assert.equal(run.status, 'completed');
    assert.equal(run.output.reply, undefined);
    assert.equal(replies.size, 0, 'the wait was given up');
    sandbox.network.phone(client)!.sendText(sandbox.bot.phone, '1');
    assert.equal(replies.size, 0);
  });

  test('200 processes wait in receive tasks, the host restarts: each recovered process gets its own client’s reply, a reply written while it was down too, and the timer keeps its deadline', async (t) => {
    const phones = Object.fromEntries(Array.from({ length: 200 }, (_, n) => [phoneOf(n), {}]));
    const sandbox = await linkedSandbox({ phones });
    // bpmn-engine saves a timer's deadline on the wall clock and measures what is left of it on
    // recovery from the wall clock: here the wall clock moves with the sandbox's.
    t.mock.timers.enable({ apis: ['Date'], now: sandbox.clock.now() });
    const advance = (ms: number) => {
      t.mock.timers.tick(ms);
      sandbox.clock.advance(ms);
    };
    const store = textStore();
    const gateway = { perform: () => Promise.reject(new Error('no sends here')) };
    const before = new ReplyWaits();
    const stopFeed = feedReplies(sandbox.engine, before);
    const first = new WaitingProcesses({ source: askProcess('receiveTask'), store, replies: before, gateway, clock: sandbox.clock });
    for (let n = 0; n < 200; n += 1) void first.start({ connection: sandbox.sessionId, allValues: { clientPhone: phoneOf(n) } }, `visit-${n}`);
    await eventually(() => before.size === 200, 'every process waits');
    await first.idle();
    assert.equal(store.rows.size, 200, 'each waiting process saved');

    // The host goes down: its engines stop, nothing hears the session.
    await first.stop();
    stopFeed();
    assert.equal(before.size, 0, 'a stopped process waits no more');
    advance(6 * 3_600_000);
    const early = 7; // one client answered while the host was down: WhatsApp hands it over when the session reconnects
    const held: Reply[] = [];
    const hold = sandbox.engine.subscribe((event) => void (event.type === 'message' && held.push(event.message)));
    sandbox.network.phone(phoneOf(early))!.sendText(sandbox.bot.phone, '1 (while down)');
    hold();

    const after = new ReplyWaits();
    feedReplies(sandbox.engine, after);
    const second = new WaitingProcesses({ source: askProcess('receiveTask'), store, replies: after, gateway, clock: sandbox.clock });
    const runs = await second.recover();
    assert.equal(runs.length, 200);
    await eventually(() => after.size === 200, 'every recovered process waits again');
    assert.equal(held.length, 1);
    assert.ok(after.deliver(sandbox.sessionId, held[0]!), 'a reply written while down (before the wait resumed) still answers it');
    for (let n = 199; n >= 0; n -= 1) if (n !== early && n % 3 !== 0) sandbox.network.phone(phoneOf(n))!.sendText(sandbox.bot.phone, `${n % 2 === 0 ? 1 : 2} (client ${n})`);
    const silent = Array.from({ length: 200 }, (_, n) => n).filter((n) => n % 3 === 0).length;
    await eventually(() => after.size === silent, 'the silent third still waits');
    advance(6 * 3_600_000); // 12 h after the first wait began: the silent ones time out
    const done = await Promise.all(runs);
    const byId = new Map(done.map((run) => [run.processInstanceId, run]));
    for (let n = 0; n < 200; n += 1) {
      const run = byId.get(`visit-${n}`)!;
      assert.equal(run.status, 'completed');
      const reply = run.output.reply as { sender: { phone: string }; content: { text: string } } | undefined;
      if (n === early) assert.equal(reply?.content.text, '1 (while down)');
      else if (n % 3 === 0) assert.equal(reply, undefined, `client ${n} never answered`);
      else {
        assert.equal(reply?.sender.phone, phoneOf(n));
        assert.equal(reply?.content.text, `${n % 2 === 0 ? 1 : 2} (client ${n})`);
      }
    }
    await second.idle();
    assert.equal(store.rows.size, 0, 'an ended process leaves no saved state');
  });
});
