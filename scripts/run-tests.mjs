// Runs every *.test.ts under src/ and test/ with Node's own test runner.
// Node 20's `--test` does not expand globs or find .ts files itself, so this lists them.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const roots = ['src', 'test'].filter((root) => existsSync(root));
const only = process.argv.slice(2);
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true, withFileTypes: true }).map((e) => join(e.parentPath ?? e.path, e.name)))
  .filter((file) => file.endsWith('.test.ts'))
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();

if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// The browser tests drive Debian's Chromium; install it first (as root, through apt) so that the
// README's `npm test` passes by itself on a fresh machine, not only under .ci/run.
if (files.some((file) => file.startsWith(join('test', 'browser')))) {
  const ensured = spawnSync('bash', ['scripts/ensure-chromium.sh'], { stdio: 'inherit' });
  if (ensured.status !== 0) process.exit(ensured.status ?? 1);
}

// PostgreSQL and Redis answer on loopback on this kind of machine; start them if they were stopped,
// so that `npm test` passes by itself, as under .ci/run.
const services = spawnSync('bash', ['scripts/ensure-services.sh'], { stdio: 'inherit' });
if (services.status !== 0) process.exit(services.status ?? 1);

const concurrency = process.env.TEST_CONCURRENCY ?? '4';
const result = spawnSync(
  process.execPath,
  // --test-force-exit: Baileys' caches hold timers that are not unref'd, which would keep each
  // emulator test file alive for half a minute after its last test.
  ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
