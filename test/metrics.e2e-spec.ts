import { sha256Hex } from '../src/common/crypto';
import { bearer, createGptKey, loginAs, mistype, startTestApp, TestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line, e.g. sample(text, 'x_total', { a: '1' }). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    const has = Object.entries(labels).every(([k, v]) => inner.includes(`${k}="${v}"`));
    if (has) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('Metrics: Prometheus at /metrics behind METRICS_TOKEN', () => {
  let t: TestApp;
  const scrape = async () =>
    (await t.http().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => t?.close());

  it('refuses scrapes without the token, in the common error shape', async () => {
    const none = await t.http().get('/metrics').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, code: 'AUTH_REQUIRED' });
    await t.http().get('/metrics').set(bearer('wrong-token-0123456789abcdef')).expect(401);
  });

  it('counts requests by route template and status, and times them', async () => {
    const { plaintext, key } = await createGptKey(t, { rateLimitPerHour: 2 });
    for (let i = 0; i < 2; i++)
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
    await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(429);
    await t.http().get('/api/gpt/devis/DEV-NOPE').set(bearer(plaintext)).expect(429);
    await t
      .http()
      .get('/api/gpt/me')
      .set(bearer(mistype(plaintext)))
      .expect(401);
    await t.http().get('/no/such/route').expect(404);

    const text = await scrape();
    expect(
      sample(text, 'passerelle_http_requests_total', { route: '/api/gpt/me', status: '200' }),
    ).toBe(2);
    expect(
      sample(text, 'passerelle_http_requests_total', { route: '/api/gpt/me', status: '429' }),
    ).toBe(1);
    // Raw URLs never become labels: the devis id stays out, the template is used.
    expect(text).not.toContain('DEV-NOPE');
    expect(
      sample(text, 'passerelle_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(
      sample(text, 'passerelle_http_request_duration_seconds_count', {
        route: '/api/gpt/me',
        status: '200',
      }),
    ).toBe(2);
    expect(
      sample(text, 'passerelle_rate_limit_rejections_total', {
        route: '/api/gpt/me',
        key_id: key.id,
      }),
    ).toBe(1);
    expect(
      sample(text, 'passerelle_auth_failures_total', {
        kind: 'gpt-key',
        reason: 'GPT_KEY_MALFORMED',
      }),
    ).toBe(1);
    expect(sample(text, 'passerelle_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(text).toContain('passerelle_process_resident_memory_bytes');
    // No secret: neither the key nor its hash, nor the metrics token.
    expect(text).not.toContain(plaintext);
    expect(text).not.toContain(sha256Hex(plaintext));
    expect(text).not.toContain(METRICS_TOKEN);
  });

  it('counts LLM calls and tokens by provider; mock calls add no cost', async () => {
    const user = await loginAs(t, 'user');
    await t
      .http()
      .post('/api/llm/chat')
      .set(bearer(user.token))
      .send({ provider: 'mock', message: 'Bonjour' })
      .expect(200);
    const text = await scrape();
    expect(
      sample(text, 'passerelle_llm_calls_total', { provider: 'mock', status: 'success' }),
    ).toBe(1);
    expect(
      sample(text, 'passerelle_llm_tokens_total', { provider: 'mock', kind: 'completion' }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'passerelle_llm_cost_usd_total', { provider: 'mock' })).toBeUndefined();
  });

  it('is off (404) when METRICS_TOKEN is unset', async () => {
    const other = await startTestApp();
    try {
      const res = await other.http().get('/metrics').expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    } finally {
      await other.close();
    }
  });
});
