/**
 * A bounded map that forgets the least recently used entry first. A Map keeps insertion order, so
 * "use" re-inserts; repeated hits on the newest entry skip even that, keeping hot loops cheap.
 *
 * @example const cache = new LruCache<string, number>(2); cache.set('a', 1); cache.get('a') // → 1
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  private newest: K | undefined;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.newest = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** The cached value, or the one `create` makes (remembered only when `create` returns). */
  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create(key);
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.newest = undefined;
  }
}
