import OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import { LlmUsageRecorder } from '../src/llm-providers/usage/llm-usage.recorder';
import { FAKE_USAGE, FakeLlmProviders, fakeReply } from './support/fake-llm-providers';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

const KEYS = {
  openai: 'sk-proj-' + 'G4t3W4yK3y0p3n41x9'.repeat(3),
  mistral: 'Gw1Mm2Nn3Oo4Pp5Qq6Rr7Ss8Tt9Uu0Vv',
  anthropic: 'sk-ant-api03-' + 'Gg9Ww8Aa7Yy6Kk5Ee4Yy'.repeat(3),
};

/** A wire message's text: a string, or Mistral's `[{ type: 'text', text }]` parts. */
const textOf = (content: unknown) =>
  typeof content === 'string'
    ? content
    : (content as { text: string }[]).map((part) => part.text).join('');

interface ProviderModels {
  provider: string;
  defaultModel: string;
  hasKey: boolean;
  models: { id: string; priced: boolean }[];
  aliases: Record<string, string>;
}

interface AttemptRow {
  provider: string;
  model: string;
  status: string;
  error_code: string | null;
  request_id: string | null;
  attempt: number;
  key_id: string | null;
}

/**
 * The LLM gateway through its three doors (the chat proxy, the OpenAI-compatible API proven
 * with the official `openai` SDK, the model list), against loopback servers speaking each
 * provider's wire format.
 */
describe('LLM gateway (fake providers on loopback)', () => {
  const fake = new FakeLlmProviders();
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof loginAs>>;
  let bob: Awaited<ReturnType<typeof loginAs>>;
  const keyIds: Record<string, string> = {};
  const bodies: string[] = [];

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp({ listen: true, env: fake.appEnv() });
    alice = await loginAs(t, 'user');
    bob = await loginAs(t, 'user');
    for (const [provider, apiKey] of Object.entries(KEYS)) {
      const res = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(alice.token))
        .send({ provider, name: `Alice ${provider}`, apiKey })
        .expect(201);
      keyIds[provider] = res.body.id as string;
    }
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    for (const body of bodies)
      for (const key of Object.values(KEYS)) expect(body).not.toContain(key);
    await t?.close();
    await fake.close();
  });

  const chat = async (token: string, body: object) => {
    const res = await t.http().post('/api/llm/chat').set(bearer(token)).send(body);
    bodies.push(res.text);
    return res;
  };
  const attempts = async (where: string, params: unknown[]) => {
    await t.get(LlmUsageRecorder).flush();
    return query<AttemptRow>(
      t,
      `SELECT provider, model, status, error_code, request_id, attempt, key_id
         FROM llm_usage_logs WHERE ${where} ORDER BY attempt`,
      params,
    );
  };
  const openai = (token: string) =>
    new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries: 0, timeout: 10_000 });

  describe('models', () => {
    it('GET /api/llm/models lists each provider’s current default, its models, aliases and whether you hold a key', async () => {
      const res = await t.http().get('/api/llm/models').set(bearer(alice.token)).expect(200);
      const byProvider = Object.fromEntries(
        (res.body as ProviderModels[]).map((p) => [p.provider, p]),
      );
      expect(byProvider.openai).toMatchObject({
        defaultModel: 'gpt-5-mini',
        hasKey: true,
        aliases: { 'gpt-4-turbo-preview': 'gpt-5-mini' },
      });
      expect(byProvider.groq).toMatchObject({
        defaultModel: 'llama-3.3-70b-versatile',
        hasKey: false,
        aliases: { 'llama-3.1-70b-versatile': 'llama-3.3-70b-versatile' },
      });
      expect(byProvider.anthropic.aliases['claude-3-sonnet-20240229']).toBe('claude-sonnet-4-5');
      expect(byProvider.mock).toMatchObject({ defaultModel: 'mock-echo-1', hasKey: true });
      expect(byProvider.openai.models).toContainEqual({ id: 'gpt-5-mini', priced: true });
      await t.http().get('/api/llm/models').expect(401);
    });

    it('sends the current default when no model is named, and an alias as its successor', async () => {
      expect((await chat(alice.token, { provider: 'anthropic', message: 'hi' })).status).toBe(200);
      expect(fake.callsTo('anthropic')[0].body.model).toBe('claude-sonnet-4-5');
      const aliased = await chat(alice.token, {
        provider: 'openai',
        model: 'gpt-4-turbo-preview',
        message: 'hi',
      });
      expect(aliased.status).toBe(200);
      expect(fake.callsTo('openai')[0].body.model).toBe('gpt-5-mini');
    });
  });

  describe('conversationId chosen by the client', () => {
    it('starts a conversation with a new UUID, continues it, and keeps it from others', async () => {
      const id = randomUUID();
      const first = await chat(alice.token, {
        provider: 'mistral',
        message: 'One',
        conversationId: id,
      });
      expect(first.status).toBe(200);
      expect(first.body.data.conversationId).toBe(id);
      const second = await chat(alice.token, {
        provider: 'mistral',
        message: 'Two',
        conversationId: id,
      });
      expect(second.body.data.conversationId).toBe(id);
      // The follow-up carried the first exchange.
      const sent = fake.callsTo('mistral')[1].body.messages!.map((m) => textOf(m.content));
      expect(sent).toEqual(['One', fakeReply('mistral'), 'Two']);

      const stolen = await chat(bob.token, {
        provider: 'mock',
        message: 'Mine?',
        conversationId: id,
      });
      expect(stolen.status).toBe(404);
      expect(stolen.body.code).toBe('NOT_FOUND');
      const [{ n }] = await query<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM llm_conversation_messages WHERE conversation_id = $1`,
        [id],
      );
      expect(Number(n)).toBe(4);
    });
  });

  describe('fallbacks', () => {
    it('on a 429 the next target answers, and the usage log has both attempts under one request id', async () => {
      fake.fail('openai', { kind: 'status', status: 429, retryAfter: '30' });
      const res = await chat(alice.token, {
        provider: 'openai',
        message: 'Bonjour',
        fallbacks: [{ provider: 'mistral', model: 'mistral-small-latest' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        provider: 'mistral',
        attempt: 2,
        response: fakeReply('mistral'),
      });
      const rows = await attempts(
        `request_id = (SELECT request_id FROM llm_usage_logs WHERE conversation_id = $1)`,
        [res.body.data.conversationId],
      );
      expect(rows).toEqual([
        expect.objectContaining({
          provider: 'openai',
          attempt: 1,
          status: 'rate_limited',
          error_code: 'PROVIDER_RATE_LIMITED',
          key_id: keyIds.openai,
        }),
        expect.objectContaining({
          provider: 'mistral',
          model: 'mistral-small-latest',
          attempt: 2,
          status: 'success',
          key_id: keyIds.mistral,
        }),
      ]);
    });

    it('a stream falls back before its first byte when the provider keeps failing (5xx after retries)', async () => {
      fake.fail(
        'openai',
        { kind: 'status', status: 503 },
        { kind: 'status', status: 503 },
        { kind: 'status', status: 503 },
      );
      const res = await chat(alice.token, {
        provider: 'openai',
        message: 'Stream please',
        stream: true,
        fallbacks: [{ provider: 'anthropic' }],
      });
      expect(res.status).toBe(200);
      const done = res.text
        .split('\n\n')
        .filter((b) => b.startsWith('data: '))
        .map((b) => JSON.parse(b.slice(6)) as { type: string })
        .find((e) => e.type === 'done');
      expect(done).toMatchObject({ provider: 'anthropic', attempt: 2 });
      expect(fake.callsTo('openai')).toHaveLength(3);
    });

    it('does not fall back on a refused request (4xx): that request would fail anywhere', async () => {
      fake.fail('openai', { kind: 'status', status: 400 });
      const res = await chat(alice.token, {
        provider: 'openai',
        message: 'Bad params',
        fallbacks: [{ provider: 'mistral' }],
      });
      expect(res.status).toBe(502);
      expect(fake.callsTo('mistral')).toHaveLength(0);
    });

    it('refuses a malformed fallback list before any call', async () => {
      const res = await chat(alice.token, {
        provider: 'openai',
        message: 'x',
        fallbacks: [{ provider: 'nope' }],
      });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toMatch(/^fallbacks/);
      expect(fake.calls).toHaveLength(0);
    });
  });

  describe('OpenAI-compatible API with the official openai SDK', () => {
    it('answers chat.completions.create with OpenAI’s shape, from the caller’s stored key', async () => {
      const completion = await openai(alice.token).chat.completions.create({
        model: 'openai/gpt-5-mini',
        messages: [
          { role: 'system', content: 'Sois bref.' },
          { role: 'user', content: 'Bonjour' },
        ],
      });
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0].message).toMatchObject({
        role: 'assistant',
        content: fakeReply('openai'),
      });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.usage).toEqual({
        prompt_tokens: FAKE_USAGE.prompt,
        completion_tokens: FAKE_USAGE.completion,
        total_tokens: FAKE_USAGE.prompt + FAKE_USAGE.completion,
      });
      expect(completion.model).toMatch(/^openai\/gpt-5-mini/);
      const [call] = fake.callsTo('openai');
      expect(call.credential).toContain(KEYS.openai);
      expect(JSON.stringify(call.body)).toContain('Sois bref.');
    });

    it('streams chat.completion.chunk events with the usage when asked, ending with [DONE]', async () => {
      const stream = await openai(alice.token).chat.completions.create({
        model: 'mistral/mistral-small-latest',
        messages: [{ role: 'user', content: 'Raconte' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      const finish: (string | null)[] = [];
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.choices[0]) finish.push(chunk.choices[0].finish_reason);
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe(fakeReply('mistral'));
      expect(finish.at(-1)).toBe('stop');
      expect(usage).toMatchObject({ prompt_tokens: FAKE_USAGE.prompt });
      expect(fake.callsTo('mistral')[0].body.stream).toBe(true);
    });

    it('raises the SDK’s own errors from OpenAI-shaped error bodies', async () => {
      const client = openai(alice.token);
      // No groq key stored: 404.
      const noKey = await client.chat.completions
        .create({
          model: 'groq/llama-3.3-70b-versatile',
          messages: [{ role: 'user', content: 'x' }],
        })
        .catch((e: unknown) => e);
      expect(noKey).toBeInstanceOf(OpenAI.NotFoundError);
      expect((noKey as InstanceType<typeof OpenAI.APIError>).code).toBe('NOT_FOUND');
      expect((noKey as Error).message).toMatch(/no active groq key/);

      const bad = await client.chat.completions
        .create({ model: 'nobody/x', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect((bad as InstanceType<typeof OpenAI.APIError>).param).toBe('model');

      const anon = await openai('not-a-token')
        .chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(anon).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(fake.calls).toHaveLength(0);
    });

    it('a failure after streamed text reaches the SDK as an error event', async () => {
      fake.fail('openai', { kind: 'cut', afterDeltas: 1 });
      const stream = await openai(alice.token).chat.completions.create({
        model: 'openai/gpt-5-mini',
        messages: [{ role: 'user', content: 'Long answer' }],
        stream: true,
      });
      let text = '';
      const failure = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().catch((e: unknown) => e);
      expect(text.length).toBeGreaterThan(0);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as Error).message).toMatch(/openai/);
    });

    it('falls back on the wire too, and relays a refused key as the SDK’s error', async () => {
      fake.fail('openai', { kind: 'status', status: 429, retryAfter: '12' });
      const raw = await openai(alice.token)
        .chat.completions.create({
          model: 'openai/gpt-5-mini',
          messages: [{ role: 'user', content: 'Bonjour' }],
          // @ts-expect-error Passerelle's extension field
          fallbacks: [{ provider: 'mistral' }],
        })
        .withResponse();
      expect(raw.data.choices[0].message.content).toBe(fakeReply('mistral'));
      expect(raw.response.headers.get('x-passerelle-provider')).toBe('mistral');
      expect(raw.response.headers.get('x-passerelle-attempt')).toBe('2');

      fake.fail('openai', { kind: 'status', status: 401 });
      const rejected = await openai(alice.token)
        .chat.completions.create({
          model: 'openai/gpt-5-mini',
          messages: [{ role: 'user', content: 'x' }],
        })
        .catch((e: unknown) => e);
      expect((rejected as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect((rejected as InstanceType<typeof OpenAI.APIError>).code).toBe(
        'LLM_PROVIDER_KEY_REJECTED',
      );
      // The provider's body (which echoes the key) never reaches the client.
      expect(JSON.stringify(rejected)).not.toContain(KEYS.openai);
    });

    it('serves Anthropic through the same API (its own wire format, via the ai SDK)', async () => {
      const completion = await openai(alice.token).chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [{ role: 'user', content: 'Bonjour' }],
        max_tokens: 50,
      });
      expect(completion.choices[0].message.content).toBe(fakeReply('anthropic'));
      expect(fake.callsTo('anthropic')[0].path).toBe('/anthropic/v1/messages');
      const stream = await openai(alice.token).chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [{ role: 'user', content: 'Bonjour' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe(fakeReply('anthropic'));
      expect(usage?.completion_tokens).toBe(FAKE_USAGE.completion);
    });

    it('logs what the wire calls cost, from the model the provider says answered', async () => {
      await openai(alice.token).chat.completions.create({
        model: 'openai/gpt-5-mini',
        messages: [{ role: 'user', content: 'Prix ?' }],
      });
      const stream = await openai(alice.token).chat.completions.create({
        model: 'openai/gpt-5-mini',
        messages: [{ role: 'user', content: 'Prix en flux ?' }],
        stream: true,
      });
      for await (const _chunk of stream) void _chunk;
      expect(fake.callsTo('openai')[1].body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
      await t.get(LlmUsageRecorder).flush();
      const rows = await query<{ model: string; cost_micro_usd: string | null; streamed: boolean }>(
        t,
        `SELECT model, cost_micro_usd, streamed FROM llm_usage_logs
          WHERE key_id = $1 ORDER BY created_at DESC LIMIT 2`,
        [keyIds.openai],
      );
      for (const row of rows) {
        expect(row.model).toBe('gpt-5-mini-2025-08-07');
        expect(Number(row.cost_micro_usd)).toBeGreaterThan(0);
      }
      expect(rows.map((r) => r.streamed).sort()).toEqual([false, true]);
    });

    it('lists the models the caller can use as provider/model ids', async () => {
      const ids: string[] = [];
      for await (const m of openai(alice.token).models.list()) ids.push(m.id);
      expect(ids).toEqual(expect.arrayContaining(['openai/gpt-5-mini', 'mock/mock-echo-1']));
      expect(ids.some((id) => id.startsWith('groq/'))).toBe(false);
      const bobs: string[] = [];
      for await (const m of openai(bob.token).models.list()) bobs.push(m.id);
      expect(bobs.every((id) => id.startsWith('mock/'))).toBe(true);
    });

    it('stores the exchange in a conversation when conversation_id is given', async () => {
      const id = randomUUID();
      const raw = await openai(alice.token)
        .chat.completions.create({
          model: 'mock',
          messages: [{ role: 'user', content: 'garde ceci' }],
          // @ts-expect-error Passerelle's extension field
          conversation_id: id,
        })
        .withResponse();
      expect(raw.response.headers.get('x-passerelle-conversation-id')).toBe(id);
      const rows = await query<{ role: string; content: string }>(
        t,
        `SELECT role, content FROM llm_conversation_messages WHERE conversation_id = $1 ORDER BY created_at`,
        [id],
      );
      expect(rows.map((r) => r.role)).toEqual(['user', 'assistant']);
      expect(rows[0].content).toBe('garde ceci');
    });
  });

  describe('budgets hold on every path', () => {
    const createKey = async (provider: string, monthlyBudgetUsd: number) => {
      const res = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(bob.token))
        .send({
          provider,
          name: `Bob ${provider} ${Math.random()}`,
          apiKey: (KEYS as Record<string, string>)[provider],
          monthlyBudgetUsd,
          isDefault: true,
        })
        .expect(201);
      return res.body.id as string;
    };

    it('fails closed (402 LLM_PRICE_UNKNOWN) for a budgeted key and a model without a known price', async () => {
      const keyId = await createKey('openai', 5);
      const res = await chat(bob.token, {
        provider: 'openai',
        keyId,
        model: 'gpt-nobody-knows-2031',
        message: 'hi',
      });
      expect(res.status).toBe(402);
      expect(res.body.code).toBe('LLM_PRICE_UNKNOWN');
      expect(fake.calls).toHaveLength(0);
      // Through the OpenAI-compatible API too, with OpenAI's error type.
      const viaSdk = await openai(bob.token)
        .chat.completions.create({
          model: 'openai/gpt-nobody-knows-2031',
          messages: [{ role: 'user', content: 'x' }],
          // @ts-expect-error Passerelle's extension field
          key_id: keyId,
        })
        .catch((e: unknown) => e);
      expect((viaSdk as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
      expect((viaSdk as InstanceType<typeof OpenAI.APIError>).type).toBe('insufficient_quota');
      expect(fake.calls).toHaveLength(0);
    });

    it('a spent budget moves the call to the next target instead', async () => {
      const keyId = await createKey('mistral', 0);
      const res = await chat(bob.token, {
        provider: 'mistral',
        keyId,
        message: 'hi',
        fallbacks: [{ provider: 'mock' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ provider: 'mock', attempt: 2 });
      expect(fake.calls).toHaveLength(0);
    });
  });
});
