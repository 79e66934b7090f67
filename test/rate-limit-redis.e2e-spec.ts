import Redis from 'ioredis';
import { GptKeysService } from '../src/gpt-keys/gpt-keys.service';
import { freePort } from './support/spawn';
import { bearer, createGptKey, sleep, startTestApp, TestApp } from './support/test-app';
import { canRunThrowawayRedis, startThrowawayRedis } from './support/throwaway-services';

const REDIS_URL = process.env.REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;
const describeWithRedisAndPostgres =
  REDIS_URL && process.env.DATABASE_URL ? describe : describe.skip;

const hit = (url: string, key: string) =>
  fetch(`${url}/api/gpt/me`, { headers: bearer(key) }).then((r) => r.status);

describe('Rate limits when Redis is unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      listen: true,
      env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
    });
  });
  afterAll(() => t?.close());

  it('neither hangs nor fails: falls back to per-instance limits', async () => {
    const { plaintext } = await createGptKey(t, { rateLimitPerHour: 3 });
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await hit(t.url, plaintext));
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describeWithRedis('Rate limits shared through Redis', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { REDIS_URL } });
    redis = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  it('keeps the counter in Redis and admits exactly the limit in a concurrent burst', async () => {
    const { key, plaintext } = await createGptKey(t, { rateLimitPerHour: 25 });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => hit(t.url, plaintext)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.filter((s) => s === 429)).toHaveLength(175);
    expect(Number(await redis.get(`rl:gpt-key:${key.id}`))).toBe(200);
    const ttl = await redis.pttl(`rl:gpt-key:${key.id}`);
    expect(ttl).toBeGreaterThan(3_500_000);
  });
});

describeWithRedisAndPostgres('Two instances on one PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ listen: true, env: { REDIS_URL, GPT_KEY_CACHE_TTL_MS: '5000' } });
    b = await startTestApp({
      listen: true,
      db: a.db,
      env: { REDIS_URL, GPT_KEY_CACHE_TTL_MS: '5000' },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('share one limit exactly under 1,000 concurrent requests split across both', async () => {
    const { plaintext } = await createGptKey(a, { rateLimitPerHour: 100 });
    const statuses = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => hit(i % 2 ? a.url : b.url, plaintext)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toHaveLength(0);
  });

  it('a key deactivated on one instance stops on the other at once (pub/sub), not after the 5 s TTL', async () => {
    const { key, plaintext } = await createGptKey(a);
    expect(await hit(b.url, plaintext)).toBe(200); // cached on b for up to 5 s
    await a.get(GptKeysService).deactivate(key.id);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 5_000) {
      await sleep(50);
      status = await hit(b.url, plaintext);
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

(canRunThrowawayRedis ? describe : describe.skip)('Redis that dies mid-run and comes back', () => {
  let redis: Awaited<ReturnType<typeof startThrowawayRedis>>;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    t = await startTestApp({ listen: true, env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  it('keeps answering without 5xx while Redis is down, and uses Redis again once it is back', async () => {
    const { key, plaintext } = await createGptKey(t, { rateLimitPerHour: 1_000 });
    expect(await hit(t.url, plaintext)).toBe(200);
    await redis.stop();
    const during: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 20; i++) during.push(await hit(t.url, plaintext));
    expect(during.every((s) => s === 200)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);

    await redis.start();
    const probe = new Redis(redis.port, '127.0.0.1');
    try {
      let counted = 0;
      for (let i = 0; i < 40 && counted === 0; i++) {
        await sleep(250);
        expect(await hit(t.url, plaintext)).toBe(200);
        counted = Number(await probe.get(`rl:gpt-key:${key.id}`));
      }
      expect(counted).toBeGreaterThan(0);
    } finally {
      probe.disconnect();
    }
  });
});
