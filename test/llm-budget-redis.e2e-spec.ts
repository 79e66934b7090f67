import Redis from 'ioredis';
import { LlmUsageRecorder } from '../src/llm-providers/usage/llm-usage.recorder';
import { FakeLlmProviders } from './support/fake-llm-providers';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

const REDIS_URL = process.env.REDIS_URL;
// Left out by jest.config.js without DATABASE_URL and REDIS_URL (see SERVER_SUITES there).
const describeTwo = REDIS_URL && process.env.DATABASE_URL ? describe : describe.skip;
const OPENAI_KEY = 'sk-proj-' + 'B4dg3tR3d1sTw0Inst'.repeat(3);

/**
 * Budgets across instances: two apps on one PostgreSQL and one Redis, calls in flight on
 * both. The month's spend and the calls in flight are checked and reserved in one Redis
 * step, so the last cent cannot be spent twice by two instances at once.
 */
describeTwo('LLM budgets across two instances sharing Redis', () => {
  const fake = new FakeLlmProviders();
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    await fake.start();
    const env = { ...fake.appEnv(), LLM_TIMEOUT_MS: '5000', REDIS_URL };
    a = await startTestApp({ listen: true, env });
    b = await startTestApp({ listen: true, db: a.db, env });
    redis = new Redis(REDIS_URL!);
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    redis?.disconnect();
    await b?.close();
    await a?.close();
    await fake.close();
  });

  const ask = (app: TestApp, token: string, keyId?: string) =>
    fetch(`${app.url}/api/llm/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ provider: 'openai', keyId, message: 'hi', maxTokens: 1000 }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } }));

  it('lets exactly one of six concurrent calls split over both instances spend the last of a budget', async () => {
    const alice = await loginAs(a, 'user');
    const created = await a
      .http()
      .post('/api/llm/keys')
      .set(bearer(alice.token))
      // $0.001: below what one call may cost (1,000 output tokens of gpt-5-mini), above what
      // the fake's 7 tokens really cost.
      .send({ provider: 'openai', name: 'Shared', apiKey: OPENAI_KEY, monthlyBudgetUsd: 0.001 })
      .expect(201);
    const keyId = created.body.id as string;
    fake.fail('openai', ...Array.from({ length: 6 }, () => ({ kind: 'slow' as const, ms: 600 })));

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => ask(i % 2 ? a : b, alice.token, keyId)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(5);
    expect(refused.every((r) => r.status === 402 && r.body.code === 'LLM_BUDGET_EXCEEDED')).toBe(
      true,
    );
    expect(fake.callsTo('openai')).toHaveLength(1);

    // The reservation ended with the call: what it really cost is the month's spend in Redis,
    // the same figure as the usage log, and the budget is not spent yet.
    await a.get(LlmUsageRecorder).flush();
    await b.get(LlmUsageRecorder).flush();
    const [{ cost }] = await query<{ cost: string }>(
      a,
      `SELECT sum(cost_micro_usd) AS cost FROM llm_usage_logs WHERE key_id = $1`,
      [keyId],
    );
    const month = new Date().toISOString().slice(0, 7);
    expect(Number(await redis.get(`llm:budget:${keyId}:spent:${month}`))).toBe(Number(cost));
    expect(Number(cost)).toBeGreaterThan(0);
    expect(await redis.hlen(`llm:budget:${keyId}:inflight`)).toBe(0);
    fake.reset();
    expect((await ask(b, alice.token, keyId)).status).toBe(200);
  });

  it('a provider key deleted on one instance stops on the other at once (pub/sub), not after the cache TTL', async () => {
    const carol = await loginAs(a, 'user');
    const created = await a
      .http()
      .post('/api/llm/keys')
      .set(bearer(carol.token))
      .send({ provider: 'openai', name: 'Short-lived', apiKey: OPENAI_KEY })
      .expect(201);
    const keyId = created.body.id as string;
    // No keyId: the default key, from b's cache of active keys (3 s).
    expect((await ask(b, carol.token)).status).toBe(200);
    await a.http().delete(`/api/llm/keys/${keyId}`).set(bearer(carol.token)).expect(204);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3_000)
      status = (await ask(b, carol.token)).status;
    expect(status).toBe(404);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('counts spend recorded by the other instance before Redis knew the month', async () => {
    const bob = await loginAs(a, 'user');
    const created = await a
      .http()
      .post('/api/llm/keys')
      .set(bearer(bob.token))
      .send({ provider: 'openai', name: 'Seeded', apiKey: OPENAI_KEY, monthlyBudgetUsd: 0.01 })
      .expect(201);
    const keyId = created.body.id as string;
    // 10,000 µ$ already spent this month, logged before any call went through Redis.
    await query(
      a,
      `INSERT INTO llm_usage_logs (user_id, key_id, provider, model, cost_micro_usd, latency_ms, status)
       VALUES ($1, $2, 'openai', 'gpt-5-mini', 10000, 100, 'success')`,
      [bob.user.id, keyId],
    );
    const res = await ask(b, bob.token, keyId);
    expect(res.status).toBe(402);
    expect(fake.calls).toHaveLength(0);
  });
});
