import { LlmUsageRecorder } from '../src/llm-providers/usage/llm-usage.recorder';
import {
  FAKE_USAGE,
  fakeAnswerModel,
  FakeLlmProviders,
  fakeReply,
  type FakeProvider,
} from './support/fake-llm-providers';
import { bearer, loginAs, query, sleep, startTestApp, TestApp } from './support/test-app';

const KEYS: Record<FakeProvider, string> = {
  openai: 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(3),
  anthropic: 'sk-ant-api03-' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt'.repeat(3),
  groq: 'gsk_' + 'Qq1Rr2Ss3Tt4Uu5Vv6Ww7'.repeat(2),
  mistral: 'Mm1Nn2Oo3Pp4Qq5Rr6Ss7Tt8Uu9Vv0Ww',
};
const PROVIDERS = Object.keys(KEYS) as FakeProvider[];
/** Each provider's default model (model-catalog.ts) ... */
const DEFAULT_MODELS: Record<FakeProvider, string> = {
  mistral: 'mistral-medium-latest',
  openai: 'gpt-5-mini',
  anthropic: 'claude-sonnet-4-5',
  groq: 'llama-3.3-70b-versatile',
};
/** ... and the model the provider says answered (OpenAI dates its ids). */
const ANSWERED = (provider: FakeProvider) => fakeAnswerModel(provider, DEFAULT_MODELS[provider]);

interface UsageRow {
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_micro_usd: string;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  error_code: string | null;
  key_id: string | null;
  conversation_id: string | null;
  streamed: boolean;
  is_mock: boolean;
}

/** Parses `data: {...}` lines of an SSE body. */
const sseEvents = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown> & { type: string });

describe('LLM chat proxy (fake providers on loopback)', () => {
  const fake = new FakeLlmProviders();
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof loginAs>>;
  let bob: Awaited<ReturnType<typeof loginAs>>;
  const keyIds = {} as Record<FakeProvider, string>;
  const bodies: string[] = [];

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp({
      listen: true,
      env: fake.appEnv(),
    });
    alice = await loginAs(t, 'user');
    bob = await loginAs(t, 'user');
    for (const provider of PROVIDERS) {
      const res = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(alice.token))
        .send({ provider, name: `Alice ${provider}`, apiKey: KEYS[provider] })
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
  const usageRows = async (where = 'TRUE', params: unknown[] = []) => {
    await t.get(LlmUsageRecorder).flush();
    return query<UsageRow>(
      t,
      `SELECT * FROM llm_usage_logs WHERE ${where} ORDER BY created_at`,
      params,
    );
  };

  describe.each(PROVIDERS)('%s', (provider) => {
    it('answers a plain call with the text, usage, default model and a new conversation', async () => {
      const res = await chat(alice.token, {
        provider,
        message: 'Hi there',
        systemPrompt: 'Be brief.',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        data: {
          response: fakeReply(provider),
          model: ANSWERED(provider),
          provider,
          usage: {
            promptTokens: FAKE_USAGE.prompt,
            completionTokens: FAKE_USAGE.completion,
            totalTokens: FAKE_USAGE.prompt + FAKE_USAGE.completion,
          },
        },
      });
      expect(res.body.data.conversationId).toMatch(/^[0-9a-f-]{36}$/);
      const [call] = fake.callsTo(provider);
      expect(call.body.stream ?? false).toBe(false);
      expect(call.credential).toContain(KEYS[provider]);
      expect(JSON.stringify(call.body)).toContain('Hi there');
      expect(JSON.stringify(call.body)).toContain('Be brief.');

      const [row] = await usageRows('conversation_id = $1', [res.body.data.conversationId]);
      expect(row).toMatchObject({
        provider,
        model: ANSWERED(provider),
        prompt_tokens: FAKE_USAGE.prompt,
        completion_tokens: FAKE_USAGE.completion,
        total_tokens: FAKE_USAGE.prompt + FAKE_USAGE.completion,
        status: 'success',
        error_code: null,
        key_id: keyIds[provider],
        streamed: false,
        is_mock: false,
      });
      expect(Number(row.cost_micro_usd)).toBeGreaterThan(0);
    });

    it('streams deltas then a done event with usage, and logs ttft', async () => {
      const res = await chat(alice.token, { provider, message: 'Stream please', stream: true });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = sseEvents(res.text);
      const deltas = events.filter((e) => e.type === 'delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((e) => e.text).join('')).toBe(fakeReply(provider));
      const done = events[events.length - 1];
      expect(done).toMatchObject({
        type: 'done',
        provider,
        model: ANSWERED(provider),
        usage: {
          promptTokens: FAKE_USAGE.prompt,
          completionTokens: FAKE_USAGE.completion,
          totalTokens: FAKE_USAGE.prompt + FAKE_USAGE.completion,
        },
      });
      expect(fake.callsTo(provider)[0].body.stream).toBe(true);
      const [row] = await usageRows('conversation_id = $1', [done.conversationId]);
      expect(row).toMatchObject({ status: 'success', streamed: true, completion_tokens: 7 });
      expect(row.ttft_ms).not.toBeNull();
      expect(row.ttft_ms!).toBeLessThanOrEqual(row.latency_ms);
    });
  });

  describe('provider failures', () => {
    it('maps a provider 401 to 502 without its body, logged as an error', async () => {
      fake.fail('openai', { kind: 'status', status: 401 });
      const res = await chat(alice.token, { provider: 'openai', message: 'x' });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('LLM_PROVIDER_KEY_REJECTED');
      expect(res.body.message).toMatch(/rejected the key/);
      expect(res.text).not.toContain('you sent');
      expect(fake.callsTo('openai')).toHaveLength(1);
      const rows = await usageRows(`error_code = 'PROVIDER_KEY_REJECTED'`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'error', provider: 'openai' });
    });

    it('maps a provider 403 on a stream to 502 before any event', async () => {
      fake.fail('anthropic', { kind: 'status', status: 403 });
      const res = await chat(alice.token, { provider: 'anthropic', message: 'x', stream: true });
      expect(res.status).toBe(502);
      expect(res.text).not.toContain('you sent');
    });

    it('passes a 429 on with the provider’s Retry-After, logged as rate_limited', async () => {
      fake.fail('anthropic', { kind: 'status', status: 429, retryAfter: '17' });
      const res = await chat(alice.token, { provider: 'anthropic', message: 'x' });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('17');
      expect(res.body.code).toBe('RATE_LIMITED');
      expect(fake.callsTo('anthropic')).toHaveLength(1);
      const rows = await usageRows(`status = 'rate_limited'`);
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows[rows.length - 1]).toMatchObject({
        provider: 'anthropic',
        key_id: keyIds.anthropic,
      });
    });

    it('retries a 500 and succeeds', async () => {
      fake.fail('mistral', { kind: 'status', status: 500 }, { kind: 'status', status: 503 });
      const res = await chat(alice.token, { provider: 'mistral', message: 'retry me' });
      expect(res.status).toBe(200);
      expect(res.body.data.response).toBe(fakeReply('mistral'));
      expect(fake.callsTo('mistral')).toHaveLength(3);
    });

    it('retries a streamed 500 too', async () => {
      fake.fail('groq', { kind: 'status', status: 500 });
      const res = await chat(alice.token, { provider: 'groq', message: 'retry me', stream: true });
      expect(res.status).toBe(200);
      expect(sseEvents(res.text).pop()).toMatchObject({ type: 'done' });
      expect(fake.callsTo('groq')).toHaveLength(2);
    });

    it.each(['openai', 'anthropic'] as const)(
      'retries a %s stream dropped before its first delta, and sends the text once',
      async (provider) => {
        fake.fail(provider, { kind: 'cut', afterDeltas: 0 });
        const res = await chat(alice.token, { provider, message: 'cut early', stream: true });
        expect(res.status).toBe(200);
        const events = sseEvents(res.text);
        const text = events
          .filter((e) => e.type === 'delta')
          .map((e) => e.text)
          .join('');
        expect(text).toBe(fakeReply(provider));
        expect(events.pop()).toMatchObject({ type: 'done' });
        expect(fake.callsTo(provider)).toHaveLength(2);
      },
    );

    it.each(['openai', 'anthropic'] as const)(
      'never retries a %s stream dropped after its first delta: error event, logged as error',
      async (provider) => {
        fake.fail(provider, { kind: 'cut', afterDeltas: 1 });
        const res = await chat(alice.token, { provider, message: 'cut late', stream: true });
        expect(res.status).toBe(200);
        const events = sseEvents(res.text);
        expect(events.map((e) => e.type)).toEqual(['delta', 'error']);
        expect(events[0].text).toBe('Hello ');
        expect(events[1]).toMatchObject({ type: 'error', code: 'PROVIDER_ERROR' });
        expect(String(events[1].message)).toMatch(new RegExp(`^${provider} `));
        expect(fake.callsTo(provider)).toHaveLength(1);
        const rows = await usageRows(
          `error_code = 'PROVIDER_ERROR' AND streamed AND provider = $1`,
          [provider],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ status: 'error', key_id: keyIds[provider] });
        expect(rows[0].ttft_ms).not.toBeNull();
        // What the provider produced before the cut is estimated, not logged as free.
        expect(rows[0].completion_tokens).toBeGreaterThan(0);
      },
    );

    it('retries a plain call whose connection drops, then answers', async () => {
      fake.fail('groq', { kind: 'cut', afterDeltas: 0 });
      const res = await chat(alice.token, { provider: 'groq', message: 'drop me' });
      expect(res.status).toBe(200);
      expect(res.body.data.response).toBe(fakeReply('groq'));
      expect(fake.callsTo('groq')).toHaveLength(2);
    });

    it('gives up after LLM_MAX_RETRIES retries with 502', async () => {
      fake.fail(
        'groq',
        { kind: 'status', status: 500 },
        { kind: 'status', status: 502 },
        { kind: 'status', status: 500 },
      );
      const res = await chat(alice.token, { provider: 'groq', message: 'x' });
      expect(res.status).toBe(502);
      expect(fake.callsTo('groq')).toHaveLength(3);
      const rows = await usageRows(`error_code = 'PROVIDER_ERROR'`);
      expect(rows.length).toBeGreaterThanOrEqual(1);
    });

    it('answers 504 when the provider is slower than LLM_TIMEOUT_MS', async () => {
      fake.fail('openai', { kind: 'slow', ms: 4_000 });
      const started = Date.now();
      const res = await chat(alice.token, { provider: 'openai', message: 'slow' });
      expect(res.status).toBe(504);
      expect(res.body.code).toBe('LLM_PROVIDER_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(3_500);
      expect(fake.callsTo('openai')).toHaveLength(1);
      const rows = await usageRows(`error_code = 'PROVIDER_TIMEOUT'`);
      expect(rows).toHaveLength(1);
    });
  });

  it('answers 504 when a stream does not start within LLM_TIMEOUT_MS', async () => {
    fake.fail('mistral', { kind: 'slow', ms: 4_000 });
    const res = await chat(alice.token, { provider: 'mistral', message: 'slow', stream: true });
    expect(res.status).toBe(504);
    const rows = await usageRows(`error_code = 'PROVIDER_TIMEOUT' AND streamed`);
    expect(rows).toHaveLength(1);
  });

  describe('keys', () => {
    it('refuses a provider with no key (404) and another user’s key (404)', async () => {
      const res = await chat(bob.token, { provider: 'openai', message: 'x' });
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/no active openai key/i);
      const other = await chat(bob.token, {
        provider: 'openai',
        message: 'x',
        keyId: keyIds.openai,
      });
      expect(other.status).toBe(404);
      expect(fake.calls).toHaveLength(0);
    });

    it('uses a named key, refuses one of another provider or deactivated', async () => {
      const ok = await chat(alice.token, { provider: 'groq', message: 'x', keyId: keyIds.groq });
      expect(ok.status).toBe(200);
      const wrong = await chat(alice.token, {
        provider: 'openai',
        message: 'x',
        keyId: keyIds.groq,
      });
      expect(wrong.status).toBe(400);
      const extra = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(alice.token))
        .send({ provider: 'openai', name: 'Off', apiKey: KEYS.openai, isDefault: false })
        .expect(201);
      await t
        .http()
        .patch(`/api/llm/keys/${extra.body.id}`)
        .set(bearer(alice.token))
        .send({ isActive: false })
        .expect(200);
      const off = await chat(alice.token, {
        provider: 'openai',
        message: 'x',
        keyId: extra.body.id,
      });
      expect(off.status).toBe(400);
      expect(off.body.message).toMatch(/deactivated/);
    });

    it('sees key changes at once, though the keys a call picks from are cached', async () => {
      const carol = await loginAs(t, 'user');
      const add = async (apiKey: string) =>
        (
          await t
            .http()
            .post('/api/llm/keys')
            .set(bearer(carol.token))
            .send({ provider: 'mistral', name: 'Carol', apiKey, isDefault: true })
            .expect(201)
        ).body.id as string;
      const first = await add(KEYS.mistral);
      expect((await chat(carol.token, { provider: 'mistral', message: 'x' })).status).toBe(200);
      // Deactivated right after a call: the next call finds no key (not the cached one).
      await t
        .http()
        .patch(`/api/llm/keys/${first}`)
        .set(bearer(carol.token))
        .send({ isActive: false })
        .expect(200);
      const none = await chat(carol.token, { provider: 'mistral', message: 'x' });
      expect(none.status).toBe(404);
      // A key added now is used by the very next call, with its own secret.
      const replacement = `${KEYS.mistral.slice(0, -4)}NEW1`;
      await add(replacement);
      fake.reset();
      expect((await chat(carol.token, { provider: 'mistral', message: 'x' })).status).toBe(200);
      expect(fake.calls).toHaveLength(1);
      expect(JSON.stringify(fake.calls[0])).toContain(replacement);
    });

    it('validates the body', async () => {
      expect((await chat(alice.token, { provider: 'other', message: 'x' })).status).toBe(400);
      expect(
        (await chat(alice.token, { provider: 'mock', message: 'x', temperature: 3 })).status,
      ).toBe(400);
      expect((await chat(alice.token, { provider: 'mock' })).status).toBe(400);
      await t.http().post('/api/llm/chat').send({ provider: 'mock', message: 'x' }).expect(401);
    });
  });

  describe('conversations', () => {
    it('sends the earlier turns with a follow-up and stores both turns', async () => {
      const first = await chat(alice.token, { provider: 'openai', message: 'My name is Ada.' });
      const conversationId = first.body.data.conversationId as string;
      const second = await chat(alice.token, {
        provider: 'openai',
        message: 'What is my name?',
        conversationId,
      });
      expect(second.status).toBe(200);
      expect(second.body.data.conversationId).toBe(conversationId);
      const [, call] = fake.callsTo('openai');
      expect(call.body.messages!.map((m) => [m.role, m.content])).toEqual([
        ['user', 'My name is Ada.'],
        ['assistant', fakeReply('openai')],
        ['user', 'What is my name?'],
      ]);
      const stored = await query<{ role: string; content: string }>(
        t,
        `SELECT role, content FROM llm_conversation_messages WHERE conversation_id = $1 ORDER BY created_at`,
        [conversationId],
      );
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    });

    it('threads a streamed follow-up too, across providers', async () => {
      const first = await chat(alice.token, { provider: 'mock', message: 'one two' });
      const conversationId = first.body.data.conversationId as string;
      const res = await chat(alice.token, {
        provider: 'anthropic',
        message: 'three',
        conversationId,
        stream: true,
      });
      expect(sseEvents(res.text).pop()).toMatchObject({ type: 'done', conversationId });
      const [call] = fake.callsTo('anthropic');
      expect(call.body.messages!.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    });

    it('answers 404 for another user’s conversation', async () => {
      const first = await chat(alice.token, { provider: 'mock', message: 'private' });
      const res = await chat(bob.token, {
        provider: 'mock',
        message: 'peek',
        conversationId: first.body.data.conversationId,
      });
      expect(res.status).toBe(404);
    });
  });

  describe('mock provider', () => {
    it('answers deterministically without key or network, logged as mock with cost 0', async () => {
      const a = await chat(bob.token, { provider: 'mock', message: 'hello mock world' });
      const b = await chat(bob.token, { provider: 'mock', message: 'hello mock world' });
      expect(a.status).toBe(200);
      expect(a.body.data.response).toMatch(/^\[mock\] /);
      expect(a.body.data.response).toBe(b.body.data.response);
      expect(a.body.data.usage.completionTokens).toBeGreaterThan(0);
      expect(fake.calls).toHaveLength(0);
      const [row] = await usageRows('conversation_id = $1', [a.body.data.conversationId]);
      expect(row).toMatchObject({
        is_mock: true,
        cost_micro_usd: '0',
        key_id: null,
        status: 'success',
      });
    });

    it('streams', async () => {
      const res = await chat(bob.token, {
        provider: 'mock',
        message: 'hello mock world',
        stream: true,
      });
      const events = sseEvents(res.text);
      const text = events
        .filter((e) => e.type === 'delta')
        .map((e) => e.text)
        .join('');
      expect(text).toMatch(/^\[mock\] /);
      expect(events.pop()).toMatchObject({ type: 'done', provider: 'mock' });
    });
  });

  it('aborts the upstream call when the client disconnects mid-stream, logged as CLIENT_ABORTED', async () => {
    fake.fail('openai', { kind: 'stall' });
    const abort = new AbortController();
    const res = await fetch(`${t.url}/api/llm/chat`, {
      method: 'POST',
      headers: { ...bearer(alice.token), 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai', message: 'long story', stream: true }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('"type":"delta"');
    abort.abort();
    let rows: UsageRow[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await sleep(50);
      rows = await usageRows(`error_code = 'CLIENT_ABORTED'`);
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'error', streamed: true, provider: 'openai' });
    expect(rows[0].ttft_ms).not.toBeNull();
    // The upstream request was cut too, well before the fake would have timed out.
    for (let i = 0; i < 20 && !fake.callsTo('openai')[0].aborted; i++) await sleep(25);
    expect(fake.callsTo('openai')[0].aborted).toBe(true);
  });
});
