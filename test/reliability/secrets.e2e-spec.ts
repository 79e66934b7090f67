import { sha256Hex } from '../../src/common/crypto';
import { FakeLlmProviders } from '../support/fake-llm-providers';
import { freePort, SpawnedServer, startServer, waitFor, waitUntilReady } from '../support/spawn';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ADMIN = { email: 'admin@test.passerelle', password: 'Adm1n-passw0rd-not-in-logs' };
const METRICS_TOKEN = 'metrics-token-not-in-logs-0123';
const PROVIDER_KEY = `sk-proj-${'S3cr3tProviderKey'.repeat(3)}`;

/**
 * After a run touching every kind of secret, with debug logs on, none of them appears in the
 * server's output, in any response body or header (except where it is handed out once), or in
 * /metrics.
 */
describe('Reliability: secrets never leak', () => {
  let db: TestDatabase;
  let server: SpawnedServer;
  let providers: FakeLlmProviders;
  const seen: { label: string; text: string }[] = [];

  async function call(label: string, path: string, init: RequestInit = {}, record = true) {
    const res = await fetch(`${server.url}${path}`, init);
    const text = await res.text();
    if (record) {
      const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
      seen.push({ label, text: `${headers}\n\n${text}` });
    }
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id'),
      json: () => JSON.parse(text) as Record<string, unknown>,
    };
  }
  const json = (token: string, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    providers = await new FakeLlmProviders().start();
    server = startServer(
      {
        ...db.env,
        ...providers.env(),
        LOG_LEVEL: 'debug',
        LLM_MAX_RETRIES: '0',
        ENCRYPTION_KEY: 'secrets-test-encryption-key-0123456789abcdef',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        ADMIN_COOKIE_SECRET: 'secrets-test-admin-cookie-secret-0123456789',
        METRICS_TOKEN,
      },
      await freePort(),
    );
    await waitUntilReady(server);
  }, 90_000);

  afterAll(async () => {
    await server?.kill();
    await providers?.close();
    await db?.drop();
  });

  it('keeps GPT keys, their hashes, provider keys, passwords and tokens out of every output', async () => {
    await call(
      'bad login',
      '/api/auth/login',
      json('', { email: ADMIN.email, password: `${ADMIN.password}x` }),
    );
    const login = await call('login', '/api/auth/login', json('', ADMIN), false);
    const admin = String(login.json().token);

    const created = await call(
      'create key',
      '/api/admin/gpt-keys',
      json(admin, { name: 'Leak test' }),
      false,
    );
    const gptKey = String(created.json().key);
    expect(gptKey).toMatch(/^torp_gpt_/);
    await call('me', '/api/gpt/me', { headers: { Authorization: `Bearer ${gptKey}` } });
    await call('typo key', '/api/gpt/me', {
      headers: {
        Authorization: `Bearer ${gptKey.slice(0, -1)}${gptKey.endsWith('A') ? 'B' : 'A'}`,
      },
    });
    await call('key in query', `/api/gpt/me?key=${gptKey}`);
    await call('list keys', '/api/admin/gpt-keys', {
      headers: { Authorization: `Bearer ${admin}` },
    });

    const llmKey = await call(
      'create provider key',
      '/api/llm/keys',
      json(admin, { provider: 'openai', name: 'Leak test', apiKey: PROVIDER_KEY }),
    );
    expect(llmKey.status).toBe(201);
    await call('list provider keys', '/api/llm/keys', {
      headers: { Authorization: `Bearer ${admin}` },
    });
    await call('chat', '/api/llm/chat', json(admin, { provider: 'openai', message: 'Bonjour' }));
    // The fake provider echoes the key in its error body: the app must not pass it on.
    providers.fail('openai', { kind: 'status', status: 401 });
    await call(
      'chat rejected',
      '/api/llm/chat',
      json(admin, { provider: 'openai', message: 'Bonjour' }),
    );
    await call('key test', `/api/llm/keys/${String(llmKey.json().id)}/test`, json(admin, {}));
    // The back-office of the built server (AdminJS from dist/admin-vendor.cjs): its login and
    // its lists of GPT and provider keys show names, never a key or a hash.
    const panelLogin = await fetch(`${server.url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(ADMIN).toString(),
      redirect: 'manual',
    });
    expect(panelLogin.status).toBe(302);
    const panelCookie = String(panelLogin.headers.get('set-cookie')).split(';')[0];
    const panel = { headers: { Cookie: panelCookie } };
    const gptKeyList = await call(
      'panel GPT keys',
      '/admin/api/resources/gpt-keys/actions/list',
      panel,
    );
    expect(gptKeyList.status).toBe(200);
    expect(JSON.stringify(gptKeyList.json())).toContain('Leak test');
    const llmKeyList = await call(
      'panel provider keys',
      '/admin/api/resources/llm-keys/actions/list',
      panel,
    );
    expect(llmKeyList.status).toBe(200);
    expect(JSON.stringify(llmKeyList.json())).toContain('Leak test');
    await call('metrics', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    await call('logout', '/api/auth/logout', json(admin, {}));
    const afterLogout = await call('after logout', '/api/auth/me', {
      headers: { Authorization: `Bearer ${admin}` },
    });

    const secrets: Record<string, string> = {
      'GPT key': gptKey,
      'GPT key body': gptKey.slice('torp_gpt_'.length),
      'GPT key hash': sha256Hex(gptKey),
      'provider key': PROVIDER_KEY,
      'admin password': ADMIN.password,
      'session token': admin,
      'back-office session cookie': panelCookie.split('=')[1],
      'metrics token': METRICS_TOKEN,
    };
    // Each answer is one JSON line bound to its request id, its Authorization header redacted
    // (written once the response has finished: wait for the last one).
    const requestLine = await waitFor('the request log line', () =>
      Promise.resolve(
        server
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { msg?: string; req?: { id?: string; headers?: object } })
          .find((l) => l.req?.id === afterLogout.requestId),
      ),
    );
    expect(requestLine).toMatchObject({
      msg: 'request completed',
      req: { headers: { authorization: '[Redacted]' } },
    });
    const output = server.output();
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(secrets)) {
      if (output.includes(secret)) leaks.push(`${name} in the server's logs`);
      for (const r of seen)
        if (r.text.includes(secret)) leaks.push(`${name} in the response to "${r.label}"`);
    }
    expect(leaks).toEqual([]);
  });
});
