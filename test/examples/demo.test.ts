// `npm run demo` as a person runs it: the clinic's phone is linked however slowly the service
// confirms it, every reminder reads as one sentence, and `--keep` leaves /sandbox open.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { linkVirtualPhone } from '../../examples/appointment-reminder/link-phone.js';
import { call } from '../support/http.js';
import { adminKey, startTestService } from '../support/service.js';

test('the demo links its phone when the service says connected, even when that takes long after the scan', async () => {
  const service = await startTestService();
  try {
    const { token } = await linkVirtualPhone({
      baseUrl: service.url,
      adminKey,
      // A busy machine: the link completes well after the scan was asked for.
      scan: (sessionId) => setTimeout(() => service.sandbox!.scan(sessionId, '+79000000001'), 300),
    });
    const sent = await call(service.url, 'POST', '/v1/actions/sendMessage', { token, body: { chat: '+79001234567', text: 'Напоминание' } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
  } finally {
    await service.close();
  }
});

test('npm run demo -- --keep: each reminder is one sentence per name, the clients’ answers are recorded, and /sandbox stays open until Ctrl+C', { timeout: 10 * 60_000 }, async () => {
  const demo = spawn(process.execPath, ['--import', 'tsx', 'examples/appointment-reminder/demo.ts', '--keep'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(demo, 'exit');
  try {
    const kept = await new Promise<string>((resolve, reject) => {
      const look = () => {
        const url = output.match(/stays up: chats at (\S+\/sandbox)/)?.[1];
        if (url) resolve(url);
      };
      demo.stdout.on('data', look);
      void exited.then(() => reject(new Error(`the demo ended without staying up:\n${output}`)));
    });

    const reminders = [...output.matchAll(/«(.*)»/g)].map((match) => match[1] ?? '');
    assert.equal(reminders.length, 10, output);
    for (const text of reminders) {
      assert.match(text, /^Добрый день, .+! Напоминаем о вашей записи на завтра, \d\d\.\d\d\.\d{4}, в \d\d:\d\d\. Специалист: [^.]+\. Будем ждать вас! Ответьте 1, чтобы подтвердить запись, или 2, чтобы отменить\.$/);
    }
    assert.match(output, /each client reminded exactly once/);
    // The virtual clients' plan: "1" from five, "2" from two, a question and silence from the rest.
    assert.match(output, /Answers: 5 confirmed, 2 cancelled, 3 no answer, 0 still waiting\./);
    assert.match(output, /← Борис Петров: cancelled/);

    const page = await fetch(kept);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/);
  } finally {
    demo.kill('SIGINT');
  }
  const [code] = await exited;
  assert.equal(code, 0, output);
});
