import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module at `moduleUrl` (a sibling module's
 * `new URL('./name.js', import.meta.url)`). Built code runs the `.js` file directly. Under tsx
 * (tests, benchmarks) the sources are `.ts` and a new thread starts without tsx's loader, so the
 * thread registers it first and then imports the `.ts` module.
 */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(moduleUrl, options);
  const source = new URL(moduleUrl.href.replace(/\.js$/, '.ts'));
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(loader)}; register(); await import(${JSON.stringify(source.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
