import { DataSource } from 'typeorm';
import type { ActionRequest, ActionResponse, After } from '../admin/adminjs-types';
import { dashboardData } from '../admin/dashboard';
import { llmUsageResource } from '../admin/resources/llm.resources';
import { UnpricedUsage1765065600000 } from '../migrations/1765065600000-UnpricedUsage';
import { validateInput } from '../src/common/http/validate-input';
import { RepriceUsageDto } from '../src/llm-providers/usage/llm-usage.dto';
import { LlmUsageRecorder } from '../src/llm-providers/usage/llm-usage.recorder';
import { LlmUsageService } from '../src/llm-providers/usage/llm-usage.service';
import { FAKE_USAGE, FakeLlmProviders } from './support/fake-llm-providers';
import { usageRecord } from './support/llm-usage-fixtures';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
/** A private model priced by LLM_PRICING_JSON only: $1 / $2 per million tokens. */
const PRIVATE_MODEL = 'gpt-private-1';

interface CostRow {
  model: string;
  cost_micro_usd: string | null;
  is_mock: boolean;
}

describe('LLM prices: the dataset, overrides, unpriced calls and repricing', () => {
  const fake = new FakeLlmProviders();
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp({
      env: {
        ...fake.appEnv(),
        METRICS_TOKEN,
        LLM_PRICING_JSON: JSON.stringify({ [`openai:${PRIVATE_MODEL}`]: { input: 1, output: 2 } }),
      },
    });
    alice = await loginAs(t, 'user');
    await t
      .http()
      .post('/api/llm/keys')
      .set(bearer(alice.token))
      .send({
        provider: 'openai',
        name: 'Alice openai',
        apiKey: 'sk-proj-' + 'Aa1Bb2Cc3'.repeat(5),
      })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await fake.close();
  });

  const chat = (body: object) =>
    t.http().post('/api/llm/chat').set(bearer(alice.token)).send(body).expect(200);
  const costOf = async (conversationId: string) => {
    await t.get(LlmUsageRecorder).flush();
    const rows = await query<CostRow>(
      t,
      'SELECT model, cost_micro_usd, is_mock FROM llm_usage_logs WHERE conversation_id = $1',
      [conversationId],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  describe('live calls', () => {
    it('prices the dated model OpenAI answers with (gpt-4o-mini-2024-07-18) from the dataset', async () => {
      const res = await chat({ provider: 'openai', model: 'gpt-4o-mini', message: 'Hi' });
      expect(res.body.data.model).toBe('gpt-4o-mini-2024-07-18');
      // 11 × $0.15/M + 7 × $0.60/M = 5.85 µ$.
      expect(await costOf(res.body.data.conversationId)).toEqual({
        model: 'gpt-4o-mini-2024-07-18',
        cost_micro_usd: '6',
        is_mock: false,
      });
    });

    it('prices a private model from LLM_PRICING_JSON', async () => {
      const res = await chat({ provider: 'openai', model: PRIVATE_MODEL, message: 'Hi' });
      const row = await costOf(res.body.data.conversationId);
      expect(row.cost_micro_usd).toBe(String(FAKE_USAGE.prompt * 1 + FAKE_USAGE.completion * 2));
    });

    it('logs a model nobody prices with a NULL cost, never $0, and counts it', async () => {
      const res = await chat({ provider: 'openai', model: 'gpt-nobody-knows-2031', message: 'Hi' });
      expect(await costOf(res.body.data.conversationId)).toEqual({
        model: 'gpt-nobody-knows-2031',
        cost_micro_usd: null,
        is_mock: false,
      });
      const mock = await chat({ provider: 'mock', message: 'Hi' });
      expect((await costOf(mock.body.data.conversationId)).cost_micro_usd).toBe('0');

      const metrics = (await t.http().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;
      expect(metrics).toMatch(
        /^passerelle_llm_unpriced_calls_total\{provider="openai",model="gpt-nobody-knows-2031"\} 1$/m,
      );
      expect(metrics).not.toMatch(/^passerelle_llm_unpriced_calls_total\{provider="mock"/m);
    });

    it('the usage report counts unpriced calls apart; costUsd adds up the priced ones only', async () => {
      const res = await t
        .http()
        .get('/api/llm/usage')
        .query({ groupBy: 'model' })
        .set(bearer(alice.token))
        .expect(200);
      const byModel = Object.fromEntries(
        res.body.buckets.map((b: { group: string; calls: number; costUsd: number }) => [
          b.group,
          b,
        ]),
      );
      expect(byModel['gpt-4o-mini-2024-07-18']).toMatchObject({
        calls: 1,
        unpricedCalls: 0,
        costUsd: 0.000006,
      });
      expect(byModel['gpt-nobody-knows-2031']).toMatchObject({
        calls: 1,
        unpricedCalls: 1,
        costUsd: 0,
      });
      expect(byModel['mock-echo-1']).toMatchObject({ calls: 1, unpricedCalls: 0, costUsd: 0 });
      expect(res.body.total).toMatchObject({ calls: 4, unpricedCalls: 1, costUsd: 0.000031 });
    });
  });

  describe('the back-office shows the unpriced calls', () => {
    it('in the usage list’s totals notice, beside the priced cost', async () => {
      const list = llmUsageResource(t.get(LlmUsageService)).options.actions!.list!;
      const after = list.after as After<ActionResponse>;
      const res = await after(
        { records: [] },
        { method: 'get', query: { 'filters.userId': alice.user.id } } as unknown as ActionRequest,
        {} as never,
      );
      expect(res.meta).toMatchObject({ totals: { calls: 4, unpricedCalls: 1, costUsd: 0.000031 } });
      expect(res.notice).toMatchObject({ type: 'info' });
      expect((res.notice as { message: string }).message).toMatch(
        /^Totals for this filter: 4 calls \(0 failed\), \d+ tokens, \$0\.0000 \(\+ 1 unpriced call\(s\), cost unknown\)/,
      );
    });

    it('on the dashboard: unpriced calls of the last 30 days', async () => {
      const data = await dashboardData({
        gptKeys: { dailyUsageByKey: async () => [] },
        analyses: {
          perDay: async () => [],
          awaitingReview: async () => ({ count: 0, oldest: null }),
        },
        llmUsage: t.get(LlmUsageService),
        chat: {
          openChatsSummary: async () => ({ open: 0, unassigned: 0, waiting: [] }),
          ratingsByWeek: async () => [],
        },
      });
      expect(data.llmUnpricedCalls).toBe(1);
      const openai = data.llmCostByProvider.find((s) => s.label === 'openai')!;
      expect(openai.values.reduce((a, b) => a + b, 0)).toBeCloseTo(0.000031, 9);
    });
  });

  describe('LlmUsageService.reprice (what npm run llm:reprice runs)', () => {
    const at = (iso: string) => new Date(iso);
    /** Logs of June 2026 (and one of July), costed wrongly or not at all. */
    beforeAll(async () => {
      const recorder = t.get(LlmUsageRecorder);
      const log = (over: Parameters<typeof usageRecord>[0]) =>
        recorder.record(usageRecord({ promptTokens: 1_000, completionTokens: 500, ...over }));
      const tie = at('2026-06-10T12:00:00Z');
      log({ userId: null, model: 'gpt-4o-mini-2024-07-18', costMicroUsd: null, createdAt: tie });
      log({ userId: null, provider: 'anthropic', model: 'claude-sonnet-4-5', costMicroUsd: null, promptTokens: 300_000, completionTokens: 0, createdAt: tie }); // prettier-ignore
      log({ userId: null, model: 'gpt-nobody-knows-2031', costMicroUsd: null, createdAt: tie });
      // Right: $10 / $30 per million tokens.
      log({ userId: null, model: 'gpt-4-turbo', costMicroUsd: 25_000, createdAt: tie });
      log({ userId: null, provider: 'mistral', model: 'mistral-medium-latest', costMicroUsd: 999, createdAt: at('2026-06-15T23:00:00Z') }); // prettier-ignore
      log({ userId: null, provider: 'mistral', model: 'mistral-medium-latest', costMicroUsd: 999, createdAt: at('2026-06-16T01:00:00Z') }); // prettier-ignore
      // A failure before any token: nothing was billed, whatever the model.
      log({ userId: null, model: 'gpt-nobody-knows-2031', status: 'error', promptTokens: 0, completionTokens: 0, totalTokens: 0, costMicroUsd: null, createdAt: at('2026-06-20T00:00:00Z') }); // prettier-ignore
      log({ userId: null, provider: 'mock', model: 'mock-echo-1', isMock: true, costMicroUsd: 0, createdAt: tie }); // prettier-ignore
      log({ userId: null, model: 'gpt-4o-mini', costMicroUsd: null, createdAt: at('2026-07-01T00:00:00Z') }); // prettier-ignore
      await recorder.flush();
      // Same millisecond, later microsecond: batches resume exactly after the last row read.
      await query(
        t,
        `INSERT INTO llm_usage_logs (provider, model, prompt_tokens, completion_tokens, total_tokens, latency_ms, status, created_at)
         VALUES ('openai', 'gpt-4o-mini', 1000, 500, 1500, 10, 'success', '2026-06-10 12:00:00.000500+00')`,
      );
    });

    const june = async (extra: Partial<RepriceUsageDto>, batchSize = 2) =>
      t
        .get(LlmUsageService)
        .reprice(
          await validateInput(RepriceUsageDto, { from: '2026-06-01', to: '2026-06-30', ...extra }),
          { batchSize },
        );
    const costs = async () =>
      (
        await query<{ model: string; created_at: Date; cost_micro_usd: string | null }>(
          t,
          `SELECT model, created_at, cost_micro_usd FROM llm_usage_logs
            WHERE created_at >= '2026-06-01' AND created_at < '2026-08-01'
            ORDER BY created_at, model COLLATE "C", cost_micro_usd NULLS FIRST`,
        )
      ).map((r) => [r.model, r.cost_micro_usd]);

    it('a dry run reports what would change and writes nothing', async () => {
      const before = await costs();
      const r = await june({ dryRun: true, onlyUnpriced: true });
      expect(r).toMatchObject({
        dryRun: true,
        onlyUnpriced: true,
        from: at('2026-06-01T00:00:00Z'),
        to: at('2026-07-01T00:00:00Z'),
        scanned: 5,
        changed: 4,
        newlyPriced: 4,
        beforeMicroUsd: 0,
        afterMicroUsd: 450 + 450 + 1_800_000 + 0,
        stillUnpriced: [{ provider: 'openai', model: 'gpt-nobody-knows-2031', calls: 1 }],
      });
      expect(await costs()).toEqual(before);
    });

    it('--only-unpriced prices the NULL costs it can, at the log’s date, tiers included', async () => {
      const r = await june({ onlyUnpriced: true });
      expect(r).toMatchObject({ scanned: 5, changed: 4, newlyPriced: 4 });
      expect(await costs()).toEqual([
        ['claude-sonnet-4-5', '1800000'], // 300K input tokens: past the 200K tier, $6/M
        ['gpt-4-turbo', '25000'],
        ['gpt-4o-mini-2024-07-18', '450'],
        ['gpt-nobody-knows-2031', null], // still unknown: left as it is
        ['mock-echo-1', '0'],
        ['gpt-4o-mini', '450'], // the row of the same millisecond
        ['mistral-medium-latest', '999'], // had a cost: not touched by --only-unpriced
        ['mistral-medium-latest', '999'],
        ['gpt-nobody-knows-2031', '0'], // no token, nothing billed
        ['gpt-4o-mini', null], // July: outside --to
      ]);
      // Again: nothing left to price but the unknown model.
      expect(await june({ onlyUnpriced: true })).toMatchObject({ scanned: 1, changed: 0 });
    });

    it('everything in range: each log at the price of its own day (mistral-medium-latest moved on 2026-06-16)', async () => {
      const r = await june({}, 3);
      expect(r).toMatchObject({
        scanned: 8,
        changed: 2,
        newlyPriced: 0,
        beforeMicroUsd: 999 * 2,
        afterMicroUsd: 1_400 + 5_250,
      });
      const mistral = (await costs()).filter(([model]) => model === 'mistral-medium-latest');
      expect(mistral).toEqual([
        ['mistral-medium-latest', '1400'],
        ['mistral-medium-latest', '5250'],
      ]);
      expect(await june({}, 500)).toMatchObject({ scanned: 8, changed: 0 });
    });

    it('refuses a day that is not one, or a range backwards, before reading anything', async () => {
      await expect(validateInput(RepriceUsageDto, { from: '2026-02-30' })).rejects.toMatchObject({
        message: 'Validation failed: from',
      });
      await expect(validateInput(RepriceUsageDto, { to: 'yesterday' })).rejects.toMatchObject({
        message: 'Validation failed: to',
      });
      await expect(june({ from: '2026-07-01', to: '2026-06-30' })).rejects.toMatchObject({
        message: 'Validation failed: to',
      });
    });
  });

  it('migration UnpricedUsage: the logs costed $0 for tokens (unknown models) become NULL', async () => {
    const runner = t.get(DataSource).createQueryRunner();
    const migration = new UnpricedUsage1765065600000();
    try {
      await migration.down(runner);
      await runner.query(
        `INSERT INTO llm_usage_logs (provider, model, prompt_tokens, completion_tokens, total_tokens, cost_micro_usd, latency_ms, status, is_mock, created_at)
         VALUES ('openai', 'migrated-unknown', 10, 5, 15, 0, 1, 'success', false, '2020-01-01'),
                ('openai', 'migrated-failure', 0, 0, 0, 0, 1, 'error', false, '2020-01-01'),
                ('mock', 'migrated-mock', 10, 5, 15, 0, 1, 'success', true, '2020-01-01'),
                ('openai', 'migrated-priced', 10, 5, 15, 7, 1, 'success', false, '2020-01-01')`,
      );
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const rows = await query<{ model: string; cost_micro_usd: string | null }>(
      t,
      `SELECT model, cost_micro_usd FROM llm_usage_logs WHERE model LIKE 'migrated-%' ORDER BY model`,
    );
    expect(rows).toEqual([
      { model: 'migrated-failure', cost_micro_usd: '0' },
      { model: 'migrated-mock', cost_micro_usd: '0' },
      { model: 'migrated-priced', cost_micro_usd: '7' },
      { model: 'migrated-unknown', cost_micro_usd: null },
    ]);
    // No default any more: a writer that forgets the cost leaves the call unpriced, not free.
    const [{ cost_micro_usd }] = await query<{ cost_micro_usd: string | null }>(
      t,
      `INSERT INTO llm_usage_logs (provider, model, latency_ms, status, created_at)
       VALUES ('openai', 'migrated-default', 1, 'success', '2020-01-01') RETURNING cost_micro_usd`,
    );
    expect(cost_micro_usd).toBeNull();
  });
});
