import { MemoryWindowCounter, RateLimitStorage } from './rate-limit.storage';

describe(MemoryWindowCounter.name, () => {
  const sut = new MemoryWindowCounter();
  afterAll(() => sut.stop());

  it('counts hits in a fixed window and starts a new one when it ends', () => {
    expect(sut.increment('k', 1_000, 0)).toEqual({ totalHits: 1, ttlMs: 1_000 });
    expect(sut.increment('k', 1_000, 400)).toEqual({ totalHits: 2, ttlMs: 600 });
    expect(sut.increment('k', 1_000, 1_000)).toEqual({ totalHits: 1, ttlMs: 1_000 });
  });
});

describe(RateLimitStorage.name, () => {
  it('blocks past the limit only until the window ends, without Redis', async () => {
    const sut = new RateLimitStorage(null);
    const first = await sut.increment('key', 3_600_000, 2, 3_600_000, 'default');
    await sut.increment('key', 3_600_000, 2, 3_600_000, 'default');
    const third = await sut.increment('key', 3_600_000, 2, 3_600_000, 'default');
    sut.onModuleDestroy();
    expect(first).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 3600 });
    expect(third).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(third.timeToBlockExpire).toBe(third.timeToExpire);
  });
});

describe('RateLimitStorage.consume', () => {
  it('admits exactly the limit per window and reports what is left and when it resets', async () => {
    const sut = new RateLimitStorage(null);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await sut.consume('gpt-key:k', 3, 60_000));
    sut.onModuleDestroy();
    expect(seen.map((w) => [w.allowed, w.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(seen[3].resetSeconds).toBeGreaterThan(0);
    expect(seen[3].resetSeconds).toBeLessThanOrEqual(60);
  });
});
