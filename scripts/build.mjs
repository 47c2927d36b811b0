// Compiles src/ into dist/ with tsc and stamps the build. `--if-stale` builds only when dist/ is
// missing or a source is newer than the stamp, so `npm start` skips tsc (seconds) when nothing
// changed; `npm install` / `npm ci` build once through `prepare`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const stamp = join('dist', '.build-stamp');
// What tsconfig.build.json compiles, and the settings that shape its output.
const settings = ['tsconfig.json', 'tsconfig.build.json'];
const isCompiled = (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('test-support.ts');

function newestSourceMs() {
  const sources = readdirSync('src', { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter(isCompiled);
  return Math.max(...[...sources, ...settings].map((file) => statSync(file).mtimeMs));
}

function isStale() {
  return !existsSync(stamp) || newestSourceMs() > statSync(stamp).mtimeMs;
}

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

const tsc = typescriptCompiler();
if (tsc === undefined) {
  // `npm ci --omit=dev` runs `prepare` too, without TypeScript: such an install brings its dist/.
  const message = 'TypeScript is not installed (an install without dev dependencies?), so src/ cannot be compiled into dist/';
  if (process.env.npm_lifecycle_event === 'prepare') {
    console.warn(`${message}; skipped.`);
    process.exit(0);
  }
  console.error(`${message}. Run npm install first.`);
  process.exit(1);
}

// A source saved while tsc runs must count as newer than this build.
const startedAt = new Date();
console.error('Compiling src/ into dist/ (once; later starts skip this while the sources are unchanged)…');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${startedAt.toISOString()}\n`);
utimesSync(stamp, startedAt, startedAt);
