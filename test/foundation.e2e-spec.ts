import { bearer, createGptKey, mistype, startTestApp, TestApp } from './support/test-app';

describe('Foundation: errors, health, docs, HTTP hardening', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '2kb', CORS_ORIGINS: 'https://chat.openai.com' } });
  });
  afterAll(() => t?.close());

  const expectErrorShape = (body: Record<string, unknown>, status: number) => {
    expect(body).toEqual(
      expect.objectContaining({
        statusCode: status,
        error: expect.any(String),
        code: expect.any(String),
        message: expect.any(String),
        requestId: expect.any(String),
      }),
    );
    expect((body.requestId as string).length).toBeGreaterThan(0);
  };

  it('GET /health/live answers 200 while the process is up', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('GET /health/ready is 200 with the database up and all migrations applied', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body.info.database.status).toBe('up');
  });

  it('GET /health/ready is 503 in the error shape when a migration is missing', async () => {
    const { DataSource } = await import('typeorm');
    const ds = t.get(DataSource);
    const [last] = await ds.query(
      `SELECT id, name, timestamp FROM migrations ORDER BY id DESC LIMIT 1`,
    );
    await ds.query(`DELETE FROM migrations WHERE id = $1`, [last.id]);
    try {
      const res = await t.http().get('/health/ready').expect(503);
      expectErrorShape(res.body, 503);
      expect(res.body.message).toContain(last.name);
    } finally {
      await ds.query(`INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)`, [
        last.id,
        last.timestamp,
        last.name,
      ]);
    }
    await t.http().get('/health/ready').expect(200);
  });

  it('answers unknown routes with a JSON 404 in the error shape', async () => {
    const res = await t.http().get('/api/does-not-exist').expect(404);
    expectErrorShape(res.body, 404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('answers invalid JSON with 400 in the error shape', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.c",')
      .expect(400);
    expectErrorShape(res.body, 400);
    expect(res.body.message).toBe('Request body is not valid JSON');
  });

  it('answers a body over BODY_LIMIT with 413 in the error shape', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'a@b.fr', password: 'x'.repeat(4096) })
      .expect(413);
    expectErrorShape(res.body, 413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lists each invalid field in validation errors, and refuses unknown fields', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'not-an-email', password: '', extra: 1 })
      .expect(400);
    expectErrorShape(res.body, 400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'extra', 'password']);
  });

  it('echoes a sane X-Request-Id and uses it in error bodies; replaces an unsafe one', async () => {
    const res = await t.http().get('/nope').set('X-Request-Id', 'trace-abc-12345').expect(404);
    expect(res.headers['x-request-id']).toBe('trace-abc-12345');
    expect(res.body.requestId).toBe('trace-abc-12345');
    const bad = await t.http().get('/nope').set('X-Request-Id', '<script>').expect(404);
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps idle connections longer than a proxy does (HTTP_KEEP_ALIVE_TIMEOUT_MS, 65 s)', async () => {
    // Node announces its keep-alive timeout; a proxy reusing the connection within its own 60 s
    // idle timeout never races the app closing it.
    const res = await t.http().get('/health/live').set('Connection', 'keep-alive').expect(200);
    expect(res.headers['keep-alive']).toBe('timeout=65');
  });

  it('sets security headers (helmet) and no X-Powered-By', async () => {
    const res = await t.http().get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS only from CORS_ORIGINS, exposing the rate-limit headers', async () => {
    const ok = await t.http().get('/health/live').set('Origin', 'https://chat.openai.com');
    expect(ok.headers['access-control-allow-origin']).toBe('https://chat.openai.com');
    expect(ok.headers['access-control-expose-headers']).toContain('X-RateLimit-Remaining');
    const other = await t.http().get('/health/live').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves Swagger UI at /docs and the OpenAPI JSON at /docs-json covering every route', async () => {
    await t.http().get('/docs').redirects(1).expect(200).expect('Content-Type', /html/);
    const res = await t.http().get('/docs-json').expect(200);
    const doc = res.body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'gptKey',
      'oauth2',
      'userToken',
    ]);
    expect(doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes).toEqual({
      'quotes:read': expect.any(String),
      'analyses:write': expect.any(String),
      'timesheets:read': expect.any(String),
      'timesheets:write': expect.any(String),
    });
    for (const path of [
      '/health/live',
      '/health/ready',
      '/api/auth/login',
      '/api/auth/me',
      '/api/auth/logout',
      '/api/gpt/me',
      '/api/admin/gpt-keys',
      '/api/admin/gpt-keys/{id}',
      '/api/admin/gpt-keys/{id}/rotate',
      '/mcp',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.paths['/api/gpt/me'].get.security).toEqual([{ gptKey: [] }]);
    expect(doc.paths['/api/admin/gpt-keys'].post.security).toEqual([{ userToken: [] }]);
    // /mcp takes either credential: a GPT key or a person's OAuth token.
    expect(doc.paths['/mcp'].post.security).toEqual(
      expect.arrayContaining([{ gptKey: [] }, { oauth2: [] }]),
    );
    // Every operation documents a summary and its error body.
    for (const [path, ops] of Object.entries<Record<string, { summary?: string }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect({ path, method, summary: op.summary }).toEqual(
          expect.objectContaining({ summary: expect.any(String) }),
        );
      }
    }
  });

  it('never logs or echoes a GPT key in an error body', async () => {
    const { plaintext } = await createGptKey(t);
    const res = await t
      .http()
      .get('/api/gpt/me')
      .set(bearer(mistype(plaintext)))
      .expect(401);
    expect(JSON.stringify(res.body)).not.toContain(plaintext.slice(9, 30));
  });
});
