import type { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';

/**
 * Baileys 7 gives every socket an `AsyncLocalStorage` (for its key transactions) and never
 * disables it. On Node 20 each enabled one is visited whenever any promise of the process is made,
 * so every socket ever opened (one per link, one per reconnect) slows all later work a little
 * (Baileys issue #2806). The storages a socket makes while it is built are collected here, and
 * disabled once the socket has closed.
 *
 * Baileys imports the class by name, so the collecting subclass is put in its place on the
 * `node:async_hooks` module; it behaves exactly as the class it extends.
 */
const hooks = createRequire(import.meta.url)('node:async_hooks') as { AsyncLocalStorage: typeof AsyncLocalStorage };
const Original = hooks.AsyncLocalStorage;
let collecting: AsyncLocalStorage<unknown>[] | undefined;
let live = 0;

class CollectedStorage<T> extends Original<T> {
  constructor() {
    super();
    collecting?.push(this as AsyncLocalStorage<unknown>);
  }
}

hooks.AsyncLocalStorage = CollectedStorage as typeof AsyncLocalStorage;
syncBuiltinESMExports();

/**
 * Builds something (a socket) and collects the storages it makes; `release` disables them.
 *
 * @example const { value: sock, release } = withOwnStorages(() => makeWASocket(config)); … release();
 */
export function withOwnStorages<T>(build: () => T): { value: T; release(): void } {
  const made: AsyncLocalStorage<unknown>[] = [];
  const outer = collecting;
  collecting = made;
  try {
    const value = build();
    live += made.length;
    let released = false;
    return {
      value,
      release() {
        if (released) return;
        released = true;
        live -= made.length;
        for (const storage of made) storage.disable();
      },
    };
  } finally {
    collecting = outer;
  }
}

/** Storages made by built things not yet released, for tests. */
export function liveStorages(): number {
  return live;
}
