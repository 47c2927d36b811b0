import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cliEnvironment, runCli } from '../support/cli.js';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

test('--version and -v print the version from package.json', async () => {
  for (const flag of ['--version', '-v']) {
    const { code, stdout } = await runCli([flag]);
    assert.equal(code, 0);
    assert.equal(stdout, `${version}\n`);
  }
});

test('help, --help and -h print the usage on stdout and exit 0; so does a command asked for --help, which starts nothing', async () => {
  for (const args of [['help'], ['--help'], ['-h'], ['serve', '--help']]) {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 0, args.join(' '));
    assert.match(stdout, /^Usage: whatsapp-connector <command>/);
    assert.match(stdout, /admin-key rotate/);
    assert.equal(stderr, '');
  }
});

test('no command prints the usage on stderr and exits 2', async () => {
  const { code, stdout, stderr } = await runCli([]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^Usage: whatsapp-connector/);
});

test('a typo is an unknown command with the closest one suggested, on stderr, exit 2', async () => {
  const typo = await runCli(['serv']);
  assert.equal(typo.code, 2);
  assert.equal(typo.stdout, '');
  assert.match(typo.stderr, /unknown command "serv" \(did you mean serve\?\)/);

  const nothingClose = await runCli(['x']);
  assert.equal(nothingClose.code, 2);
  assert.match(nothingClose.stderr, /unknown command "x"; whatsapp-connector help lists the commands/);

  const action = await runCli(['admin-key', 'rotat']);
  assert.equal(action.code, 2);
  assert.match(action.stderr, /unknown command "admin-key rotat" \(did you mean admin-key rotate\?\)/);

  const option = await runCli(['--versoin']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /unknown option "--versoin" \(did you mean --version\?\)/);
});

test('a Russian locale gets Russian messages; --lang overrides the locale', async () => {
  const russian = cliEnvironment({ LANG: 'ru_RU.UTF-8' });
  const usage = await runCli(['help'], russian);
  assert.equal(usage.code, 0);
  assert.match(usage.stdout, /^Использование: whatsapp-connector <команда>/);
  assert.match(usage.stdout, /Заменить утерянный ключ администратора/);

  const typo = await runCli(['serv'], russian);
  assert.match(typo.stderr, /неизвестная команда «serv» \(может быть, serve\?\)/);

  assert.match((await runCli(['help', '--lang', 'en'], russian)).stdout, /^Usage:/);
  assert.match((await runCli(['help', '--lang', 'ru'])).stdout, /^Использование:/);
  // POSIX: LC_ALL wins over LANG.
  assert.match((await runCli(['help'], cliEnvironment({ LANG: 'ru_RU.UTF-8', LC_ALL: 'C' }))).stdout, /^Usage:/);
});

test('describe prints the form descriptor; with --lang in that language only, an unknown language is refused', async () => {
  const both = JSON.parse((await runCli(['describe'])).stdout) as { name: unknown };
  assert.deepEqual(both.name, { en: 'WhatsApp', ru: 'WhatsApp' });
  const russian = JSON.parse((await runCli(['describe', '--lang', 'ru'])).stdout) as { name: unknown; actions: { label: string }[] };
  assert.equal(russian.actions[0]?.label, 'Отправить сообщение');
  const refused = await runCli(['describe', '--lang', 'de']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /expected --lang en or --lang ru/);
});
