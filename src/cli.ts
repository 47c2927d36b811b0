#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { closestWord } from './cli/closest-word.js';
import { isConnectorError } from './domain/errors.js';
import { cliTexts, languageOfLocale, type CliTexts } from './i18n/cli.js';
import { isLanguage, type Language } from './i18n/language.js';

/** 0 done, 1 failed, 2 not understood (usage on stderr); nothing while the command keeps running. */
type ExitCode = 0 | 1 | 2;

interface Invocation {
  /** Positionals after the command's name. */
  rest: string[];
  texts: CliTexts;
  /** `--lang` as given; unset when the language comes from the locale. */
  explicitLanguage: Language | undefined;
}

// Each command loads its modules when it runs: `--version` or a typo need not load the service.
const commands = {
  serve: async ({ rest, texts }: Invocation) => refuseExtra(rest, texts) ?? (await import('./cli/serve.js')).serve(texts),
  describe: async ({ rest, texts, explicitLanguage }: Invocation) => refuseExtra(rest, texts) ?? describe(explicitLanguage),
  'admin-key': async ({ rest, texts }: Invocation) => {
    const [action, ...extra] = rest;
    if (action !== 'rotate') return notUnderstood(texts.unknownCommand(['admin-key', action].join(' ').trim(), 'admin-key rotate'));
    return refuseExtra(extra, texts) ?? (await import('./cli/admin-key-rotation.js')).rotateStoredAdminKey(texts);
  },
  help: ({ texts }: Invocation) => printUsage(texts),
} satisfies Record<string, (invocation: Invocation) => ExitCode | void | Promise<ExitCode | void>>;

type CommandName = keyof typeof commands;

const options = {
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function isCommandName(word: string): word is CommandName {
  return Object.hasOwn(commands, word);
}

/** Runs one invocation; `--help` and `--version` win wherever they stand (`serve --help` starts nothing). */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<ExitCode | void> {
  // Not strict: an unknown option gets a suggestion instead of parseArgs' own English error.
  const { values, positionals, tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const explicitLanguage = isLanguage(values.lang) ? values.lang : undefined;
  const texts = cliTexts[explicitLanguage ?? languageOfLocale(env)];

  if (values.lang !== undefined && explicitLanguage === undefined) return notUnderstood(texts.expectedLanguage);
  const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(options, token.name));
  if (unknown?.kind === 'option') return notUnderstood(texts.unknownOption(unknown.rawName, closestWord(unknown.rawName, ['--lang', '--help', '--version'])));
  if (values.help) return printUsage(texts);
  if (values.version) return printVersion();

  const [command, ...rest] = positionals;
  if (command === undefined) return notUnderstood(texts.usage);
  if (!isCommandName(command)) return notUnderstood(texts.unknownCommand(command, closestWord(command, [...Object.keys(commands), '--version'])));
  try {
    return await commands[command]({ rest, texts, explicitLanguage });
  } catch (error) {
    process.stderr.write(texts.failed(isConnectorError(error) ? `${error.code}: ${error.message}` : String(error)));
    // A start that failed halfway may leave a handle open; nothing is left to wait for.
    process.exit(1);
  }
}

async function describe(language: Language | undefined): Promise<ExitCode> {
  const { formDescriptor, inLanguage } = await import('./component/index.js');
  const descriptor = language ? inLanguage(formDescriptor(), language) : formDescriptor();
  process.stdout.write(`${JSON.stringify(descriptor, null, 2)}\n`);
  return 0;
}

function printUsage(texts: CliTexts): ExitCode {
  process.stdout.write(texts.usage);
  return 0;
}

function printVersion(): ExitCode {
  // package.json is one folder up from both src/cli.ts and dist/cli.js.
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${version}\n`);
  return 0;
}

function notUnderstood(message: string): ExitCode {
  process.stderr.write(message);
  return 2;
}

function refuseExtra(extra: string[], texts: CliTexts): ExitCode | undefined {
  return extra[0] === undefined ? undefined : notUnderstood(texts.unexpectedArgument(extra[0]));
}

const exitCode = await run(process.argv.slice(2), process.env);
if (exitCode !== undefined) process.exitCode = exitCode;
