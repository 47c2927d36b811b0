import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkedSandbox } from '../../engines/sandbox/index.js';
import { feedReplies, ReplyWaits } from './await-reply/index.js';
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
    for (let tick = 0; replies.size < 1 && tick < 10_000; tick += 1) await new Promise((resolve) => setImmediate(resolve));
    sandbox.clock.advance(12 * 3_600_000);
    const run = await running;
    assert.equal(run.status, 'completed');
    assert.equal(run.output.reply, undefined);
    assert.equal(replies.size, 0, 'the wait was given up');
    sandbox.network.phone(client)!.sendText(sandbox.bot.phone, '1');
    assert.equal(replies.size, 0);
  });
});
