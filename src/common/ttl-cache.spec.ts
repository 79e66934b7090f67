import { TtlCache } from './ttl-cache';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(TtlCache.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('keeps a value for its TTL only', () => {
    const sut = new TtlCache<string, number | null>({ ttlMs: 1_000, maxEntries: 10 });
    sut.set('a', 1);
    sut.set('none', null);
    jest.advanceTimersByTime(999);
    expect(sut.peek('a')).toBe(1);
    expect(sut.peek('none')).toBeNull();
    jest.advanceTimersByTime(1);
    expect(sut.peek('a')).toBeUndefined();
    expect(sut.size).toBe(1);
  });

  it('keeps nothing with a TTL of 0', () => {
    const sut = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10 });
    sut.set('a', 1);
    expect(sut.peek('a')).toBeUndefined();
  });

  it('evicts the oldest entry when full; setting a key again makes it the newest', () => {
    const sut = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 2 });
    sut.set('a', 1);
    sut.set('b', 2);
    sut.set('a', 3);
    sut.set('c', 4);
    expect([sut.peek('a'), sut.peek('b'), sut.peek('c')]).toEqual([3, undefined, 4]);
  });

  it('runs one load for concurrent callers of a key and caches its value', async () => {
    const sut = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
    const row = deferred<number>();
    const load = jest.fn(() => row.promise);
    const first = sut.getOrLoad('a', load);
    const second = sut.getOrLoad('a', load);
    expect(second).toBe(first);
    row.resolve(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(await sut.getOrLoad('a', load)).toBe(7);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failed load, and the next caller loads again', async () => {
    const sut = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
    await expect(sut.getOrLoad('a', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    await expect(
      sut.getOrLoad('a', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await sut.getOrLoad('a', async () => 2)).toBe(2);
  });

  it('does not cache a load that began before an invalidation, nor share it afterwards', async () => {
    const sut = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
    const stale = deferred<number>();
    const before = sut.getOrLoad('a', () => stale.promise);
    sut.invalidate('a');
    const after = sut.getOrLoad('a', async () => 2);
    expect(after).not.toBe(before);
    expect(await after).toBe(2);
    stale.resolve(1);
    expect(await before).toBe(1);
    expect(sut.peek('a')).toBe(2);
  });

  it('invalidates by value, or everything', () => {
    const sut = new TtlCache<string, { id: string } | null>({ ttlMs: 1_000, maxEntries: 10 });
    sut.set('h1', { id: 'k1' });
    sut.set('h2', { id: 'k2' });
    sut.set('h3', null);
    sut.invalidateWhere((v) => v === null || v.id === 'k1');
    expect([sut.peek('h1'), sut.peek('h2'), sut.peek('h3')]).toEqual([
      undefined,
      { id: 'k2' },
      undefined,
    ]);
    sut.clear();
    expect(sut.size).toBe(0);
  });
});
