import type { ErrorEvent } from '@sentry/nestjs';
import { FILTERED, SentryScrubber } from './sentry-scrubber';

describe(SentryScrubber.name, () => {
  const sut = new SentryScrubber(['acme_key_', 'torp_gpt_', 'pas_']);
  const GPT_KEY = 'torp_gpt_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr';

  it.each([
    ['a GPT key with the default prefix', `key ${GPT_KEY} refused`, `key ${FILTERED} refused`],
    ['a GPT key with the configured prefix', 'got acme_key_Zz9Yy8Xx7', `got ${FILTERED}`],
    ['a staff session token', 'token pas_abcDEF123456', `token ${FILTERED}`],
    [
      'an OpenAI project key',
      'Incorrect API key: sk-proj-AbC_123-xyz789',
      `Incorrect API key: ${FILTERED}`,
    ],
    ['an Anthropic key', 'x-api-key sk-ant-api03-QwErTy123456', `x-api-key ${FILTERED}`],
    ['a Groq key', 'gsk_0123456789abcdefABCDEF', FILTERED],
    [
      'a Bearer value',
      'Authorization: Bearer opaque.jwt.value',
      `Authorization: Bearer ${FILTERED}`,
    ],
    [
      'a URL password',
      'connect postgres://app:s3cret@db:5432/p',
      `connect postgres://${FILTERED}@db:5432/p`,
    ],
    [
      'query values',
      'GET /x?api_key=abc&page=2#top',
      `GET /x?api_key=${FILTERED}&page=${FILTERED}#top`,
    ],
  ])('removes %s from any string', (_what, input, expected) => {
    expect(sut.string(input)).toBe(expected);
  });

  it('leaves ordinary error text alone', () => {
    const text = 'relation "users" does not exist at SelectQueryBuilder.loadRawResults (sk.ts:12)';
    expect(sut.string(text)).toBe(text);
  });

  it('keeps only method, path and plain headers of the request, and drops the user', () => {
    const event = sut.event({
      type: undefined,
      request: {
        method: 'POST',
        url: `https://api.example.fr/api/auth/login?token=${GPT_KEY}`,
        query_string: `token=${GPT_KEY}`,
        headers: {
          Authorization: `Bearer ${GPT_KEY}`,
          cookie: 'sid=1',
          'content-type': 'application/json',
        },
        cookies: { sid: '1' },
        data: { email: 'a@b.c', password: 'hunter2-hunter2' },
      },
      user: { ip_address: '10.0.0.1', email: 'a@b.c' },
    } as ErrorEvent);
    expect(event.request).toEqual({
      method: 'POST',
      url: 'https://api.example.fr/api/auth/login',
      headers: { 'content-type': 'application/json' },
    });
    expect(event.user).toBeUndefined();
  });

  it('scrubs messages, exception values, extra, contexts and breadcrumbs, at any depth', () => {
    const event = sut.event({
      type: undefined,
      message: `failed with ${GPT_KEY}`,
      exception: {
        values: [{ type: 'Error', value: 'provider said: bad key sk-proj-0123456789ab' }],
      },
      extra: {
        options: { headers: { 'X-Api-Key': 'raw-provider-key' }, nested: [[`Bearer ${GPT_KEY}`]] },
      },
      contexts: { llm: { password: 'hunter2-hunter2', model: 'gpt-4o' } },
      breadcrumbs: [{ message: `called with ${GPT_KEY}` }],
      tags: { request_id: 'r-1', route: '/api/gpt/devis/:id' },
    } as ErrorEvent);
    const raw = JSON.stringify(event);
    for (const secret of [GPT_KEY, 'sk-proj-0123456789ab', 'raw-provider-key', 'hunter2']) {
      expect(raw).not.toContain(secret);
    }
    expect(event.contexts?.llm).toEqual({ password: FILTERED, model: 'gpt-4o' });
    expect(event.tags).toEqual({ request_id: 'r-1', route: '/api/gpt/devis/:id' });
    expect(event.exception?.values?.[0].value).toBe(`provider said: bad key ${FILTERED}`);
  });

  it('drops console breadcrumbs and keeps only the origin of outgoing calls', () => {
    expect(sut.breadcrumb({ category: 'console', message: 'Admin password: hunter2' })).toBeNull();
    const crumb = sut.breadcrumb({
      category: 'http',
      data: {
        url: 'https://hooks.example.com/services/T000/B000/webhooksecret',
        'http.query': 'token=abc',
        'http.method': 'POST',
        status_code: 500,
      },
    });
    expect(crumb?.data).toEqual({
      url: 'https://hooks.example.com',
      'http.method': 'POST',
      status_code: 500,
    });
  });
});
