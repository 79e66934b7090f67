export interface TtlCacheOptions {
  /** 0 or less: nothing is kept, loads are still shared. */
  ttlMs: number;
  maxEntries: number;
}

/**
 * Values kept `ttlMs` in this process, at most `maxEntries` (the oldest goes first).
 * `getOrLoad` runs one load per key at a time. A load that began before an invalidation is
 * handed to its callers but not cached: it may have read what the invalidation was about.
 * `undefined` means "not cached", so values must not be undefined (null is fine).
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  private readonly loading = new Map<K, Promise<V>>();
  private generation = 0;

  constructor(private readonly options: TtlCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  peek(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until > Date.now()) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.options.ttlMs <= 0) return;
    // Re-inserted, so the map's order stays the order of age.
    this.entries.delete(key);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: Date.now() + this.options.ttlMs });
  }

  getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.peek(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const promise = new Promise<V>((resolve) => resolve(load()))
      .then((value) => {
        if (generation === this.generation) this.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === promise) this.loading.delete(key);
      });
    this.loading.set(key, promise);
    return promise;
  }

  invalidate(key: K): void {
    this.entries.delete(key);
    this.loading.delete(key);
    this.generation++;
  }

  invalidateWhere(stale: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.entries) if (stale(entry.value, key)) this.entries.delete(key);
    this.loading.clear();
    this.generation++;
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
    this.generation++;
  }
}
