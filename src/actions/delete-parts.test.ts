import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { samplePdf, samplePng, serve, startServer, type TestServer } from '../attachments/test-support.js';
import { linkedSandbox } from '../engines/sandbox/index.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';
import { ActionRunner } from './runner.js';

const anna = '+79001111111';
let files: TestServer;

before(async () => {
  files = await startServer({ '/photo.png': serve(samplePng()), '/invoice': serve(samplePdf()) });
});
after(() => files.close());

async function sentInThreeParts() {
  const sandbox = await linkedSandbox({ phones: { [anna]: { name: 'Anna' } } });
  const runner = new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock, attachments: { allowPrivateAddresses: true } });
  const sent = await runner.run(sandbox.sessionId, 'sendMessage', {
    chat: anna,
    text: 'x'.repeat(2000),
    attachments: [
      { title: 'Scan', url: files.url('/photo.png') },
      { title: 'Invoice', url: files.url('/invoice') },
    ],
  });
  assert.equal(sent.parts.length, 3);
  const seen = () => sandbox.network.conversation(anna, sandbox.bot.jid).map((message) => message.deleted);
  return { sandbox, runner, sent, seen };
}

test('deleting a saved three-part send whose second part is already gone deletes the rest and reports each part', async () => {
  const { sandbox, runner, sent, seen } = await sentInThreeParts();
  await runner.run(sandbox.sessionId, 'deleteMessage', { message: sent.parts[1] });
  assert.deepEqual(seen(), [false, true, false]);

  const deleted = await runner.run(sandbox.sessionId, 'deleteMessage', { message: sent });
  assert.deepEqual(seen(), [true, true, true]);
  assert.deepEqual(deleted.parts?.map(({ id, outcome }) => [id, outcome]), [
    [sent.parts[0]?.id, 'deleted'],
    [sent.parts[1]?.id, 'already-gone'],
    [sent.parts[2]?.id, 'deleted'],
  ]);
  assert.equal(deleted.id, sent.id);

  await rejectsWithCode(runner.run(sandbox.sessionId, 'deleteMessage', { message: sent }), 'MESSAGE_NOT_FOUND');
});

test('a part deleted only on this phone (for me) is gone too: the others are still deleted for me', async () => {
  const { sandbox, runner, sent } = await sentInThreeParts();
  await runner.run(sandbox.sessionId, 'deleteMessage', { message: sent.parts[0], forEveryone: false });
  const deleted = await runner.run(sandbox.sessionId, 'deleteMessage', { message: sent, forEveryone: false });
  assert.deepEqual(deleted.parts?.map(({ outcome }) => outcome), ['already-gone', 'deleted', 'deleted']);
  for (const part of sent.parts) assert.equal(await sandbox.engine.findMessage(sandbox.sessionId, part), undefined);
});
