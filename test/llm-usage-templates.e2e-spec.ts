import { usageRecord } from './support/llm-usage-fixtures';
import {
  LlmUsageRecorder,
  type LlmUsageRecord,
} from '../src/llm-providers/usage/llm-usage.recorder';
import { bearer, loginAll, loginAs, query, startTestApp, TestApp } from './support/test-app';

describe('LlmProviders: usage log aggregates and prompt templates', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof loginAs>>;
  let bob: Awaited<ReturnType<typeof loginAs>>;
  let admin: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, admin] = await loginAll(t, ['user', 'user', 'admin']);
  });
  afterAll(() => t?.close());

  const log = (over: Partial<LlmUsageRecord>) => usageRecord({ userId: alice.user.id, ...over });

  describe('GET /api/llm/usage', () => {
    beforeAll(async () => {
      const recorder = t.get(LlmUsageRecorder);
      const day = (n: number) => new Date(Date.UTC(2026, 10, 10 + n, 12));
      recorder.record(log({ createdAt: day(0) }));
      recorder.record(
        log({
          createdAt: day(0),
          status: 'rate_limited',
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
          costMicroUsd: 0,
          latencyMs: 100,
        }),
      );
      recorder.record(
        log({
          createdAt: day(1),
          provider: 'anthropic',
          model: 'claude-3-sonnet-20240229',
          costMicroUsd: 1_425,
        }),
      );
      recorder.record(
        log({ createdAt: day(1), provider: 'mock', model: 'mock', isMock: true, costMicroUsd: 0 }),
      );
      recorder.record(log({ createdAt: day(1), userId: bob.user.id, costMicroUsd: 1_000_000 }));
      await recorder.flush();
    });

    const report = (token: string, params: Record<string, string>) =>
      t
        .http()
        .get('/api/llm/usage')
        .query({ from: '2026-11-10T00:00:00Z', to: '2026-11-12T00:00:00Z', ...params })
        .set(bearer(token))
        .expect(200);

    it('groups a user’s own calls by day, with tokens, costs in dollars and outcomes', async () => {
      const res = await report(alice.token, { groupBy: 'day' });
      expect(res.body.buckets).toEqual([
        expect.objectContaining({
          group: '2026-11-10',
          calls: 2,
          rateLimited: 1,
          promptTokens: 100,
          totalTokens: 175,
          costUsd: 0.00325,
        }),
        expect.objectContaining({
          group: '2026-11-11',
          calls: 2,
          totalTokens: 350,
          costUsd: 0.001425,
        }),
      ]);
      expect(res.body.total).toMatchObject({
        calls: 4,
        costUsd: 0.004675,
        totalTokens: 525,
        unpricedCalls: 0,
      });
    });

    it('groups by provider and model; mock calls never count as spend', async () => {
      const res = await report(alice.token, { groupBy: 'provider' });
      const byProvider = Object.fromEntries(
        res.body.buckets.map((b: { group: string; costUsd: number; calls: number }) => [
          b.group,
          [b.calls, b.costUsd],
        ]),
      );
      expect(byProvider).toEqual({ anthropic: [1, 0.001425], mock: [1, 0], openai: [2, 0.00325] });
      const models = await report(alice.token, { groupBy: 'model' });
      expect(models.body.buckets.map((b: { group: string }) => b.group)).toEqual([
        'claude-3-sonnet-20240229',
        'gpt-4-turbo-preview',
        'mock',
      ]);
    });

    it('admins see everyone, or one user; users never see others', async () => {
      const all = await report(admin.token, { groupBy: 'provider' });
      expect(all.body.total.calls).toBe(5);
      const onlyBob = await report(admin.token, { groupBy: 'day', userId: bob.user.id });
      expect(onlyBob.body.total).toMatchObject({ calls: 1, costUsd: 1 });
      const bobsOwn = await report(bob.token, { groupBy: 'day', userId: alice.user.id });
      expect(bobsOwn.body.total.calls).toBe(1);
    });

    it('refuses a bad groupBy or range', async () => {
      await t
        .http()
        .get('/api/llm/usage')
        .query({ groupBy: 'week' })
        .set(bearer(alice.token))
        .expect(400);
      await t
        .http()
        .get('/api/llm/usage')
        .query({ from: '2026-11-12T00:00:00Z', to: '2026-11-10T00:00:00Z' })
        .set(bearer(alice.token))
        .expect(400);
      await t.http().get('/api/llm/usage').expect(401);
    });

    it('keeps a log whose key was deleted in the meantime (the link is dropped, not the row)', async () => {
      const recorder = t.get(LlmUsageRecorder);
      recorder.record(
        log({
          keyId: '00000000-0000-4000-8000-000000000000',
          createdAt: new Date(Date.UTC(2026, 10, 1)),
        }),
      );
      await recorder.flush();
      const rows = await query(t, `SELECT key_id FROM llm_usage_logs WHERE created_at = $1`, [
        new Date(Date.UTC(2026, 10, 1)),
      ]);
      expect(rows).toEqual([{ key_id: null }]);
    });
  });

  describe('/api/llm/templates', () => {
    it('creates, lists variables, updates, deletes; names are unique per user', async () => {
      const created = await t
        .http()
        .post('/api/llm/templates')
        .set(bearer(alice.token))
        .send({ name: 'Résumé', content: 'Résume le devis {{reference}} pour {{client}}.' })
        .expect(201);
      expect(created.body.variables).toEqual(['reference', 'client']);
      await t
        .http()
        .post('/api/llm/templates')
        .set(bearer(alice.token))
        .send({ name: 'résumé', content: 'x' })
        .expect(409);
      await t
        .http()
        .post('/api/llm/templates')
        .set(bearer(bob.token))
        .send({ name: 'Résumé', content: 'x' })
        .expect(201);
      const updated = await t
        .http()
        .patch(`/api/llm/templates/${created.body.id}`)
        .set(bearer(alice.token))
        .send({ content: 'Bonjour {{name}}' })
        .expect(200);
      expect(updated.body.variables).toEqual(['name']);
      await t
        .http()
        .get(`/api/llm/templates/${created.body.id}`)
        .set(bearer(bob.token))
        .expect(404);
      await t
        .http()
        .delete(`/api/llm/templates/${created.body.id}`)
        .set(bearer(bob.token))
        .expect(404);
      await t
        .http()
        .delete(`/api/llm/templates/${created.body.id}`)
        .set(bearer(alice.token))
        .expect(204);
      const list = await t.http().get('/api/llm/templates').set(bearer(alice.token)).expect(200);
      expect(list.body).toEqual([]);
    });

    it('takes a null description as none, on create and to clear it', async () => {
      const created = await t
        .http()
        .post('/api/llm/templates')
        .set(bearer(alice.token))
        .send({ name: 'Sans description', description: null, content: 'Bonjour' })
        .expect(201);
      expect(created.body.description).toBeNull();
      const described = await t
        .http()
        .patch(`/api/llm/templates/${created.body.id}`)
        .set(bearer(alice.token))
        .send({ description: 'Une <b>description</b>' })
        .expect(200);
      expect(described.body.description).toBe('Une description');
      const cleared = await t
        .http()
        .patch(`/api/llm/templates/${created.body.id}`)
        .set(bearer(alice.token))
        .send({ description: null })
        .expect(200);
      expect(cleared.body.description).toBeNull();
    });
  });
});
