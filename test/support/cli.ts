/** The command line as a person runs it: a child process, its output and its exit code. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { eventually } from './eventually.js';

export interface CliProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** The exit code, once the process has ended (null when a signal ended it). */
  exited: Promise<number | null>;
}

/**
 * The environment of the test run without the machine's locale and connector configuration: English
 * unless `LANG` is given, nothing configured but the overrides.
 */
export function cliEnvironment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(LC_ALL|LC_MESSAGES|LANG|DATABASE_URL|CONNECTOR_.*)$/.test(name));
  return { ...Object.fromEntries(inherited), LANG: 'en_US.UTF-8', ...overrides };
}

/** Starts `src/cli.ts` with these arguments, through tsx as `npm start` would run dist/cli.js. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = cliEnvironment()): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs a command to its end. */
export async function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Waits for `serve` to say where it listens and returns that address. */
export async function servedAt(cli: CliProcess): Promise<string> {
  const listening = /WhatsApp Connector on (http:\/\/\S+)/;
  await eventually(() => listening.test(cli.stderr()) || cli.child.exitCode !== null, 'the service to start');
  const url = listening.exec(cli.stderr())?.[1];
  if (url === undefined) throw new Error(`the service did not start; stderr: ${cli.stderr()}`);
  return url;
}
