import type { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';

/**
 * Baileys 7 gives every socket an `AsyncLocalStorage` (for its key transactions). On Node 20 each
 * enabled one is visited whenever any promise of the process is made, so with many sessions open
 * every await of the process pays for every open socket (Baileys issue #2806): ~100 µs a promise
 * at 1,000 storages.
 *
 * So the storages a socket makes while it is built are not storages of their own: each is a view
 * of one storage shared by all sockets, whose store maps each view to its value. A view's `run`
 * and `enterWith` add its value to the map (a copy: the other views' values stay as they were in
 * that context), `getStore` reads its own entry, so no view ever sees another's value, exactly as
 * with separate storages; only one storage is ever enabled, however many sockets are open.
 * `release` (once the socket has closed) disables the socket's views: their values are gone.
 *
 * Baileys imports the class by name, so a class that hands out these views while a socket is
 * built is put in its place on the `node:async_hooks` module; anything else made of it is a plain
 * `AsyncLocalStorage`.
 */
const hooks = createRequire(import.meta.url)('node:async_hooks') as { AsyncLocalStorage: typeof AsyncLocalStorage };
const Original = hooks.AsyncLocalStorage;
/** The one storage behind every socket's views: each view's value under the view, with the view's generation. */
const shared = new Original<ReadonlyMap<SocketStorageView, { generation: number; value: unknown }>>();
let collecting: SocketStorageView[] | undefined;
let live = 0;

/** What Baileys uses of an `AsyncLocalStorage` (`run`, `getStore`), and the rest of its instance API. */
class SocketStorageView {
  // A disabled view forgets its values in every context: those written before carry an older generation.
  private generation = 0;
  private disabled = false;

  run<R, A extends unknown[]>(store: unknown, callback: (...args: A) => R, ...args: A): R {
    this.disabled = false;
    return shared.run(this.withValue(store), callback, ...args);
  }

  enterWith(store: unknown): void {
    this.disabled = false;
    shared.enterWith(this.withValue(store));
  }

  exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
    const current = new Map(shared.getStore());
    current.delete(this);
    return shared.run(current, callback, ...args);
  }

  getStore(): unknown {
    if (this.disabled) return undefined;
    const entry = shared.getStore()?.get(this);
    return entry?.generation === this.generation ? entry.value : undefined;
  }

  disable(): void {
    this.disabled = true;
    this.generation++;
  }

  private withValue(value: unknown): Map<SocketStorageView, { generation: number; value: unknown }> {
    return new Map(shared.getStore()).set(this, { generation: this.generation, value });
  }
}

class SocketAwareStorage<T> extends Original<T> {
  constructor() {
    super();
    if (!collecting) return;
    const view = new SocketStorageView();
    collecting.push(view);
    // A constructor may hand out another object: Baileys gets the view, used as the storage.
    return view as unknown as SocketAwareStorage<T>;
  }
}

hooks.AsyncLocalStorage = SocketAwareStorage as typeof AsyncLocalStorage;
syncBuiltinESMExports();

/**
 * Builds something (a socket); the storages it makes are views of the one shared storage, and
 * `release` disables them.
 *
 * @example const { value: sock, release } = withOwnStorages(() => makeWASocket(config)); … release();
 */
export function withOwnStorages<T>(build: () => T): { value: T; release(): void } {
  const made: SocketStorageView[] = [];
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
