import { usageRecord } from './support/llm-usage-fixtures';
import type { Response } from 'supertest';
import {
  LlmUsageRecorder,
  type LlmUsageRecord,
} from '../src/llm-providers/usage/llm-usage.recorder';
import { fakeAnswerModel, FakeLlmProviders, type FakeProvider } from './support/fake-llm-providers';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

const KEYS: Record<FakeProvider, string> = {
  openai: 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(3),
  anthropic: 'sk-ant-api03-' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt'.repeat(3),
  groq: 'gsk_' + 'Qq1Rr2Ss3Tt4Uu5Vv6Ww7'.repeat(2),
  mistral: 'Mm1Nn2Oo3Pp4Qq5Rr6Ss7Tt8Uu9Vv0Ww',
};
/**
 * OpenAI's default model priced at $10 / $30 per 1M tokens by LLM_PRICING_JSON (which wins
 * over the dataset, dated answers included): 11 prompt + 7 completion tokens = 320 µ$.
 */
const PRICING_JSON = JSON.stringify({ 'openai:gpt-5-mini': { input: 10, output: 30 } });
const FAKE_CALL_COST = 11 * 10 + 7 * 30;

type User = Awaited<ReturnType<typeof loginAs>>;

describe('LlmProviders: key test, monthly budget, templates in chat (fake providers)', () => {
  const fake = new FakeLlmProviders();
  let t: TestApp;
  let alice: User;
  let bob: User;
  let admin: User;
  const keyIds = {} as Record<FakeProvider, string>;
  const bodies: string[] = [];

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp({
      listen: true,
      env: { ...fake.appEnv(), LLM_PRICING_JSON: PRICING_JSON },
    });
    [alice, bob, admin] = [
      await loginAs(t, 'user'),
      await loginAs(t, 'user'),
      await loginAs(t, 'admin'),
    ];
    for (const provider of Object.keys(KEYS) as FakeProvider[]) {
      keyIds[provider] = (
        await createKey(alice, { provider, name: `Alice ${provider}`, isDefault: true })
      ).id;
    }
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    for (const body of bodies)
      for (const key of Object.values(KEYS)) expect(body).not.toContain(key);
    await t?.close();
    await fake.close();
  });

  const send = async (req: PromiseLike<Response>) => {
    const res = await req;
    bodies.push(res.text);
    return res;
  };
  async function createKey(user: User, body: { provider: FakeProvider } & Record<string, unknown>) {
    const res = await send(
      t
        .http()
        .post('/api/llm/keys')
        .set(bearer(user.token))
        .send({ apiKey: KEYS[body.provider], name: 'key', isDefault: false, ...body }),
    );
    expect(res.status).toBe(201);
    return res.body as { id: string };
  }
  const testKey = (user: User, id: string, body: object = {}) =>
    send(t.http().post(`/api/llm/keys/${id}/test`).set(bearer(user.token)).send(body));
  const chat = (user: User, body: object) =>
    send(t.http().post('/api/llm/chat').set(bearer(user.token)).send(body));
  const logsOf = async (keyId: string) => {
    await t.get(LlmUsageRecorder).flush();
    return query<{ status: string; error_code: string | null; model: string; streamed: boolean }>(
      t,
      `SELECT status, error_code, model, streamed FROM llm_usage_logs WHERE key_id = $1 ORDER BY created_at`,
      [keyId],
    );
  };

  describe('POST /api/llm/keys/:id/test', () => {
    it.each(Object.keys(KEYS) as FakeProvider[])(
      'reports ok for a working %s key, after one minimal call (1 output token)',
      async (provider) => {
        const res = await testKey(alice, keyIds[provider]);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          ok: true,
          provider,
          model: expect.any(String),
          latencyMs: expect.any(Number),
        });
        const calls = fake.callsTo(provider);
        expect(calls).toHaveLength(1);
        expect(calls[0].credential).toContain(KEYS[provider]);
        // OpenAI's reasoning models (the default gpt-5-mini) take max_completion_tokens.
        const body = calls[0].body as { max_tokens?: number; max_completion_tokens?: number };
        expect(body.max_completion_tokens ?? body.max_tokens).toBe(1);
      },
    );

    it('asks the key’s preferred model, or the one given', async () => {
      const key = await createKey(alice, {
        provider: 'openai',
        metadata: { preferredModel: 'gpt-4o-mini' },
      });
      // The report names the model that answered: OpenAI's dated snapshot.
      expect((await testKey(alice, key.id)).body).toMatchObject({
        ok: true,
        model: fakeAnswerModel('openai', 'gpt-4o-mini'),
      });
      expect(fake.calls[0].body.model).toBe('gpt-4o-mini');
      await testKey(alice, key.id, { model: 'gpt-4o' });
      expect(fake.calls[1].body.model).toBe('gpt-4o');
    });

    it('reports a rejected key cleanly, without the provider’s body, and logs it', async () => {
      const key = await createKey(alice, { provider: 'anthropic' });
      fake.fail('anthropic', { kind: 'status', status: 401 });
      const res = await testKey(alice, key.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: false,
        provider: 'anthropic',
        error: {
          code: 'PROVIDER_KEY_REJECTED',
          message: 'anthropic rejected the key (HTTP 401): check or replace it',
        },
      });
      expect(res.text).not.toContain('you sent');
      expect(await logsOf(key.id)).toEqual([
        expect.objectContaining({ status: 'error', error_code: 'PROVIDER_KEY_REJECTED' }),
      ]);
    });

    it('reports 429 with Retry-After, 5xx and dropped connections at once (no retry)', async () => {
      const key = await createKey(alice, { provider: 'groq' });
      fake.fail(
        'groq',
        { kind: 'status', status: 429, retryAfter: '9' },
        { kind: 'status', status: 503 },
        { kind: 'cut', afterDeltas: 0 },
      );
      const limited = await testKey(alice, key.id);
      expect(limited.body).toMatchObject({
        ok: false,
        error: { code: 'PROVIDER_RATE_LIMITED', retryAfter: '9' },
      });
      const failed = await testKey(alice, key.id);
      expect(failed.body).toMatchObject({
        ok: false,
        error: { code: 'PROVIDER_ERROR', message: 'groq failed (HTTP 503)' },
      });
      const dropped = await testKey(alice, key.id);
      expect(dropped.body).toMatchObject({ ok: false, error: { code: 'PROVIDER_ERROR' } });
      expect(fake.callsTo('groq')).toHaveLength(3);
      expect((await logsOf(key.id)).map((r) => r.status)).toEqual([
        'rate_limited',
        'error',
        'error',
      ]);
    });

    it('reports a timeout', async () => {
      fake.fail('mistral', { kind: 'slow', ms: 4_000 });
      const started = Date.now();
      const res = await testKey(alice, keyIds.mistral);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'PROVIDER_TIMEOUT' } });
      expect(res.body.latencyMs).toBeGreaterThanOrEqual(1_400);
      expect(Date.now() - started).toBeLessThan(3_500);
    });

    it('reports a key that can no longer be decrypted, without calling the provider', async () => {
      const key = await createKey(alice, { provider: 'openai' });
      await query(
        t,
        `UPDATE llm_api_keys SET encrypted_key = regexp_replace(encrypted_key, '.$', CASE WHEN right(encrypted_key, 1) = '0' THEN '1' ELSE '0' END) WHERE id = $1`,
        [key.id],
      );
      const res = await testKey(alice, key.id);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'LLM_KEY_UNREADABLE' } });
      expect(fake.calls).toHaveLength(0);
    });

    it('is yours only (another user: 404), admins may test any key', async () => {
      expect((await testKey(bob, keyIds.openai)).status).toBe(404);
      expect((await testKey(bob, 'not-a-uuid')).status).toBe(404);
      expect(fake.calls).toHaveLength(0);
      const res = await testKey(admin, keyIds.openai);
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(true);
      await t.http().post(`/api/llm/keys/${keyIds.openai}/test`).expect(401);
    });
  });

  describe('monthly budget', () => {
    const log = (keyId: string, over: Partial<LlmUsageRecord>) =>
      usageRecord({ userId: alice.user.id, keyId, ...over });

    it('refuses with 402 once this UTC month’s logged spend reaches the budget, only then', async () => {
      // $0.01 = 10,000 µ$
      const key = await createKey(alice, { provider: 'openai', monthlyBudgetUsd: 0.01 });
      const other = await createKey(alice, { provider: 'openai' });
      const now = new Date();
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const recorder = t.get(LlmUsageRecorder);
      recorder.record(log(key.id, { costMicroUsd: 6_000 }));
      // Not counted: last month, mock calls, another key.
      recorder.record(
        log(key.id, { costMicroUsd: 9_000_000, createdAt: new Date(monthStart.getTime() - 1) }),
      );
      recorder.record(log(key.id, { costMicroUsd: 9_000_000, isMock: true }));
      recorder.record(log(other.id, { costMicroUsd: 9_000_000 }));
      await recorder.flush();

      const under = await chat(alice, { provider: 'openai', keyId: key.id, message: 'hi' });
      expect(under.status).toBe(200);

      // Still in the recorder's queue, not yet written: counted all the same.
      recorder.record(log(key.id, { costMicroUsd: 10_000 - 6_000 - FAKE_CALL_COST }));
      const refused = await chat(alice, { provider: 'openai', keyId: key.id, message: 'hi' });
      expect(refused.status).toBe(402);
      expect(refused.body.code).toBe('LLM_BUDGET_EXCEEDED');
      expect(refused.body.message).toMatch(/\$0\.01 spent of \$0\.01 this month/);
      const stream = await chat(alice, {
        provider: 'openai',
        keyId: key.id,
        message: 'hi',
        stream: true,
      });
      expect(stream.status).toBe(402);
      expect(fake.calls).toHaveLength(1);

      // The other key (no budget) still works, and raising the budget lifts the refusal.
      expect(
        (await chat(alice, { provider: 'openai', keyId: other.id, message: 'hi' })).status,
      ).toBe(200);
      await t
        .http()
        .patch(`/api/llm/keys/${key.id}`)
        .set(bearer(alice.token))
        .send({ monthlyBudgetUsd: 1 })
        .expect(200);
      expect((await chat(alice, { provider: 'openai', keyId: key.id, message: 'hi' })).status).toBe(
        200,
      );
    });

    it('counts the proxy’s own calls: the third call over a 500 µ$ budget is refused', async () => {
      const key = await createKey(alice, { provider: 'openai', monthlyBudgetUsd: 0.0005 });
      const ask = () => chat(alice, { provider: 'openai', keyId: key.id, message: 'hi' });
      expect((await ask()).status).toBe(200); // 0 spent
      expect((await ask()).status).toBe(200); // 320 spent
      const refused = await ask(); // 640 spent
      expect(refused.status).toBe(402);
      expect(refused.body.message).toMatch(/\$0\.00064 spent of \$0\.0005 this month/);
      expect(fake.calls).toHaveLength(2);
    });

    it('a budget of 0 blocks every call; mock calls never count', async () => {
      const key = await createKey(alice, { provider: 'groq', monthlyBudgetUsd: 0 });
      expect((await chat(alice, { provider: 'groq', keyId: key.id, message: 'hi' })).status).toBe(
        402,
      );
      expect((await chat(alice, { provider: 'mock', message: 'hi' })).status).toBe(200);
    });
  });

  describe('templateId + variables on POST /api/llm/chat', () => {
    let templateId: string;
    beforeAll(async () => {
      const res = await t
        .http()
        .post('/api/llm/templates')
        .set(bearer(alice.token))
        .send({ name: 'Devis', content: 'Résume le devis {{reference}} pour {{ client }}.' })
        .expect(201);
      templateId = res.body.id as string;
    });

    it('sends the rendered template as the user message and stores it in the conversation', async () => {
      const res = await chat(alice, {
        provider: 'anthropic',
        templateId,
        variables: { reference: 'DEV-42', client: 'Boulangerie Martin' },
        systemPrompt: 'Sois bref.',
      });
      expect(res.status).toBe(200);
      const [call] = fake.callsTo('anthropic');
      expect(call.body.messages).toEqual([
        {
          role: 'user',
          content: [{ type: 'text', text: 'Résume le devis DEV-42 pour Boulangerie Martin.' }],
        },
      ]);
      expect(JSON.stringify(call.body.system)).toContain('Sois bref.');
      const stored = await query<{ role: string; content: string }>(
        t,
        `SELECT role, content FROM llm_conversation_messages WHERE conversation_id = $1 ORDER BY created_at`,
        [res.body.data.conversationId],
      );
      expect(stored[0]).toEqual({
        role: 'user',
        content: 'Résume le devis DEV-42 pour Boulangerie Martin.',
      });
    });

    it('streams from a template too (mock provider)', async () => {
      const res = await chat(alice, {
        provider: 'mock',
        templateId,
        variables: { reference: 'A', client: 'B' },
        stream: true,
      });
      expect(res.status).toBe(200);
      expect(res.text).toContain('"type":"done"');
    });

    it('answers 400 naming the missing variables, without calling the provider', async () => {
      const res = await chat(alice, {
        provider: 'openai',
        templateId,
        variables: { reference: 'DEV-42' },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('Missing template variable(s): client');
      const notText = await chat(alice, {
        provider: 'openai',
        templateId,
        variables: { reference: 'DEV-42', client: 7 },
      });
      expect(notText.status).toBe(400);
      expect(notText.body.message).toMatch(/must be strings: client/);
      expect(fake.calls).toHaveLength(0);
    });

    it('refuses another user’s template (404) and ambiguous bodies (400)', async () => {
      const vars = { reference: 'x', client: 'y' };
      expect((await chat(bob, { provider: 'mock', templateId, variables: vars })).status).toBe(404);
      expect(
        (await chat(alice, { provider: 'mock', templateId, variables: vars, message: 'also' }))
          .status,
      ).toBe(400);
      expect((await chat(alice, { provider: 'mock', variables: vars, message: 'x' })).status).toBe(
        400,
      );
      expect((await chat(alice, { provider: 'mock' })).status).toBe(400);
    });
  });
});
