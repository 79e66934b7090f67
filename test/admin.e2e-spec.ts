import request from 'supertest';
import { sha256Hex } from '../src/common/crypto';
import { GptKeyUsageRecorder } from '../src/gpt-keys/gpt-key-usage.recorder';
import { GptKeysService } from '../src/gpt-keys/gpt-keys.service';
import { UsersService } from '../src/users/users.service';
import { historyOf, newVisitor, sendAs } from './support/chat-client';
import { FakeLlmProviders } from './support/fake-llm-providers';
import { ADMIN, bearer, query, startTestApp, TestApp } from './support/test-app';

type Agent = ReturnType<typeof request.agent>;

/** Every back-office response body, searched at the end for key material. */
const bodies: { url: string; text: string }[] = [];

describe('Back-office (AdminJS at /admin): login, roles, secrets', () => {
  const fake = new FakeLlmProviders();
  let t: TestApp;
  let admin: Agent;
  // Unique per run: with REDIS_URL, login counters outlive the suite (15-minute windows).
  const run = Math.random().toString(36).slice(2, 8);
  const staff = { email: `staff-${run}@test.passerelle`, password: 'staff-password-123456' };
  const plainUser = { email: `user-${run}@test.passerelle`, password: 'user-password-123456' };

  const agent = () => request.agent(t.app.getHttpServer());
  /** AdminJS answers a refused action 200 with an error notice and no data (ForbiddenError). */
  const expectForbidden = (res: request.Response) => {
    expect(res.status).toBe(200);
    expect(res.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    expect(res.body.records ?? []).toEqual([]);
    expect(res.body.record?.params ?? {}).toEqual({});
    expect(res.body.secret).toBeUndefined();
  };
  const record = (res: request.Response) => {
    bodies.push({ url: res.request.url, text: res.text });
    return res;
  };
  const get = async (a: Agent, url: string) => record(await a.get(url));
  const post = async (a: Agent, url: string, data: Record<string, unknown> = {}) =>
    record(await a.post(url).send(data));
  const login = async (email: string, password: string) => {
    const a = agent();
    const res = record(await a.post('/admin/login').type('form').send({ email, password }));
    return { a, res };
  };

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp({
      env: { ...fake.env(), LOGIN_MAX_PER_EMAIL: '6', LOGIN_MAX_PER_IP: '200' },
    });
    const users = t.get(UsersService);
    await users.create({ ...staff, role: 'staff', name: 'Sam Staff' });
    await users.create({ ...plainUser, role: 'user', name: 'Uma User' });
    const res = await login(ADMIN.email, ADMIN.password);
    expect(res.res.status).toBe(302);
    admin = res.a;
  });
  afterAll(async () => {
    await t?.close();
    await fake.close();
  });

  describe('login and sessions', () => {
    it('sends anonymous visitors to the login page, API calls included', async () => {
      await agent().get('/admin').expect(302).expect('Location', '/admin/login');
      await agent().get('/admin/api/resources/gpt-keys/actions/list').expect(302);
      const page = await agent().get('/admin/login').expect(200);
      expect(page.text).toContain('"action":"/admin/login"');
      expect(page.text).not.toContain('fonts.googleapis.com');
      // No third-party request: AdminJS's Google Fonts link is refused by the admin CSP.
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    });

    it('logs an admin in with the API password check and a cookie scoped to /admin', async () => {
      const { res } = await login(ADMIN.email, ADMIN.password);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/admin');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/passerelle_admin=/);
      expect(cookie).toMatch(/Path=\/admin/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
    });

    it('keeps sessions in PostgreSQL (admin_sessions), without the password', async () => {
      const rows = await query<{ sess: unknown }>(t, 'SELECT sess FROM admin_sessions');
      expect(rows.length).toBeGreaterThan(0);
      const stored = JSON.stringify(rows);
      expect(stored).toContain(ADMIN.email);
      expect(stored).not.toContain(ADMIN.password);
      expect(stored).not.toMatch(/scrypt\$/);
    });

    it('refuses a wrong password and a `user` account alike', async () => {
      for (const [email, password] of [
        [ADMIN.email, 'not-the-password'],
        [plainUser.email, plainUser.password],
      ]) {
        const { a, res } = await login(email, password);
        expect(res.status).toBe(200);
        expect(res.text).toMatch(/invalidCredentials|Invalid/i);
        expect(res.headers['set-cookie']).toBeUndefined();
        await a.get('/admin').expect(302).expect('Location', '/admin/login');
      }
    });

    it('limits login attempts per email (the API login counters), even with the right password after', async () => {
      const target = `limited-${run}@test.passerelle`;
      await t
        .get(UsersService)
        .create({ email: target, password: 'limited-password-123', role: 'admin' });
      for (let i = 0; i < 6; i++) await login(target, 'wrong-password-xyz');
      const { res } = await login(target, 'limited-password-123');
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/Too many login attempts: retry in \d+ s/);
      // The same budget guards the API's login.
      await t
        .http()
        .post('/api/auth/login')
        .send({ email: target, password: 'limited-password-123' })
        .expect(429);
    });

    it('logs out: the session row is gone and the cookie no longer opens the panel', async () => {
      const { a } = await login(staff.email, staff.password);
      await a.get('/admin/api/dashboard').expect(200);
      await a.get('/admin/logout').expect(302).expect('Location', '/admin/login');
      await a.get('/admin/api/dashboard').expect(302);
    });

    it('adds nothing to API requests outside /admin (no session cookie, no admin CSP)', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['content-security-policy']).not.toContain(
        "script-src 'self' 'unsafe-inline'",
      );
    });
  });

  describe('GPT keys', () => {
    let keyId: string;
    let plaintext: string;

    it('an admin creates a key through GptKeysService and reads it once', async () => {
      const res = await post(admin, '/admin/api/resources/gpt-keys/actions/newKey', {
        name: 'Backoffice GPT',
        rateLimitPerHour: '50',
      });
      expect(res.status).toBe(200);
      plaintext = res.body.secret;
      expect(plaintext).toMatch(/^torp_gpt_/);
      keyId = res.body.record.id;
      expect(res.body.record.params).toMatchObject({
        name: 'Backoffice GPT',
        rateLimitPerHour: 50,
      });
      const me = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      expect(me.body).toMatchObject({ name: 'Backoffice GPT', rateLimit: 50 });
    });

    it('lists and shows keys masked, with status and usage', async () => {
      const list = await get(admin, '/admin/api/resources/gpt-keys/actions/list');
      const row = list.body.records.find((r: { id: string }) => r.id === keyId);
      expect(row.params.maskedKey).toMatch(/^torp_gpt_.{4}…$/);
      expect(row.params.status).toBe('active');
      const show = await get(admin, `/admin/api/resources/gpt-keys/records/${keyId}/show`);
      expect(show.body.record.params.maskedKey).toBe(row.params.maskedKey);
    });

    it('staff can read keys but not create, edit, rotate or deactivate them', async () => {
      const { a } = await login(staff.email, staff.password);
      await a.get('/admin/api/resources/gpt-keys/actions/list').expect(200);
      await a.get(`/admin/api/resources/gpt-keys/records/${keyId}/show`).expect(200);
      const refused = [
        a.post('/admin/api/resources/gpt-keys/actions/newKey').send({ name: 'sneaky' }),
        a.post(`/admin/api/resources/gpt-keys/records/${keyId}/edit`).send({ name: 'renamed' }),
        a.post(`/admin/api/resources/gpt-keys/records/${keyId}/rotate`).send({}),
        a.post(`/admin/api/resources/gpt-keys/records/${keyId}/deactivate`).send({}),
      ];
      for (const res of await Promise.all(refused)) {
        expectForbidden(res);
        expect(res.text).not.toContain('torp_gpt_');
      }
      expect((await t.get(GptKeysService).get(keyId)).name).toBe('Backoffice GPT');
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
    });

    it('an admin edits only the allowed fields; posting the hash changes nothing', async () => {
      const before = await query<{ key_hash: string }>(
        t,
        'SELECT key_hash FROM gpt_api_keys WHERE id = $1',
        [keyId],
      );
      const res = await post(admin, `/admin/api/resources/gpt-keys/records/${keyId}/edit`, {
        name: 'Renamed GPT',
        rateLimitPerHour: '75',
        expiresAt: '',
        isActive: 'true',
        keyHash: 'a'.repeat(64),
        usageCount: '999',
      });
      expect(res.status).toBe(200);
      const after = await query<{ key_hash: string; name: string; usage_count: string }>(
        t,
        'SELECT key_hash, name, usage_count FROM gpt_api_keys WHERE id = $1',
        [keyId],
      );
      expect(after[0]).toMatchObject({ key_hash: before[0].key_hash, name: 'Renamed GPT' });
      expect(Number(after[0].usage_count)).toBeLessThan(999);
    });

    it('deactivate: a GET does nothing (no CSRF by link); the POST stops the key on the API at once', async () => {
      await admin.get(`/admin/api/resources/gpt-keys/records/${keyId}/deactivate`).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      const res = await post(admin, `/admin/api/resources/gpt-keys/records/${keyId}/deactivate`);
      expect(res.body.notice).toMatchObject({ type: 'success' });
      const denied = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(401);
      expect(denied.body.code).toBe('GPT_KEY_INACTIVE');
    });

    it('rotate issues a replacement shown once; the old key stops', async () => {
      const created = await post(admin, '/admin/api/resources/gpt-keys/actions/newKey', {
        name: 'To rotate',
      });
      const old = created.body.secret as string;
      const rotated = await post(
        admin,
        `/admin/api/resources/gpt-keys/records/${created.body.record.id}/rotate`,
        {
          graceSeconds: '0',
        },
      );
      expect(rotated.body.secret).toMatch(/^torp_gpt_/);
      expect(rotated.body.secret).not.toBe(old);
      await t.http().get('/api/gpt/me').set(bearer(rotated.body.secret)).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(old)).expect(401);
    });
  });

  describe('users, LLM keys, usage logs (admin only where it matters)', () => {
    const llmPlain = 'sk-proj-' + 'Zq9'.repeat(12);

    it('staff cannot see users or LLM keys at all', async () => {
      const { a } = await login(staff.email, staff.password);
      expectForbidden(await a.get('/admin/api/resources/users/actions/list'));
      expectForbidden(await a.get('/admin/api/resources/llm-keys/actions/list'));
      expectForbidden(
        await a
          .post('/admin/api/resources/users/actions/newUser')
          .send({ email: 'x@y.z', role: 'admin' }),
      );
      expect(await query(t, `SELECT 1 FROM users WHERE email = 'x@y.z'`)).toHaveLength(0);
      await a.get('/admin/api/resources/llm-usage/actions/list').expect(200);
      await a.get('/admin/api/resources/gpt-analyses/actions/list').expect(200);
      await a.get('/admin/api/resources/tool-calls/actions/list?filters.outcome=error').expect(200);
    });

    it('an admin stores an LLM key through LlmKeysService: encrypted, never shown', async () => {
      const res = await post(admin, '/admin/api/resources/llm-keys/actions/newLlmKey', {
        provider: 'openai',
        name: 'Support OpenAI',
        apiKey: llmPlain,
        isDefault: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.notice).toMatchObject({ type: 'success' });
      const id = res.body.record.id as string;
      expect(res.body.record.params.keyPrefix).toBe('sk-proj-Zq9Z…');
      const [row] = await query<{ encrypted_key: string }>(
        t,
        'SELECT encrypted_key FROM llm_api_keys WHERE id = $1',
        [id],
      );
      expect(row.encrypted_key).not.toContain(llmPlain);
      await get(admin, '/admin/api/resources/llm-keys/actions/list');
      await get(admin, `/admin/api/resources/llm-keys/records/${id}/show`);
      const tested = await post(admin, `/admin/api/resources/llm-keys/records/${id}/test`, {});
      expect(tested.body.result).toMatchObject({ ok: true });
      expect(tested.body.result.message).toMatch(
        /^openai accepted the key: .+ answered in \d+ ms$/,
      );
      fake.fail('openai', { kind: 'status', status: 401 });
      const rejected = await post(admin, `/admin/api/resources/llm-keys/records/${id}/test`, {});
      expect(rejected.body.result).toMatchObject({ ok: false });
      expect(rejected.body.result.message).toMatch(/test failed \(PROVIDER_KEY_REJECTED\)/);
      const off = await post(admin, `/admin/api/resources/llm-keys/records/${id}/deactivate`);
      expect(off.body.record.params.isActive).toBe(false);
      const bad = await post(admin, '/admin/api/resources/llm-keys/actions/newLlmKey', {
        provider: 'anthropic',
        name: 'Wrong provider',
        apiKey: llmPlain,
      });
      expect(bad.body.notice).toMatchObject({ type: 'error' });
    });

    it('an admin creates a staff user, resets a password, deactivates: the session ends at once', async () => {
      const created = await post(admin, '/admin/api/resources/users/actions/newUser', {
        email: `new-staff-${run}@test.passerelle`,
        name: 'New Staff',
        role: 'staff',
      });
      const generated = created.body.secret as string;
      expect(generated).toHaveLength(20);
      const id = created.body.record.id as string;
      const { a, res } = await login(`new-staff-${run}@test.passerelle`, generated);
      expect(res.status).toBe(302);
      await a.get('/admin/api/dashboard').expect(200);
      const apiSession = await t
        .http()
        .post('/api/auth/login')
        .send({ email: `new-staff-${run}@test.passerelle`, password: generated })
        .expect(200);

      const reset = await post(admin, `/admin/api/resources/users/records/${id}/resetPassword`, {
        password: 'brand-new-password-1',
      });
      expect(reset.body.secret).toBeUndefined();
      // The old password's API sessions end with the reset.
      await t.http().get('/api/auth/me').set(bearer(apiSession.body.token)).expect(401);
      await t
        .http()
        .post('/api/auth/login')
        .send({ email: `new-staff-${run}@test.passerelle`, password: 'brand-new-password-1' })
        .expect(200);

      await post(admin, `/admin/api/resources/users/records/${id}/deactivate`);
      await a.get('/admin/api/dashboard').expect(302);
      const self = await post(
        admin,
        `/admin/api/resources/users/records/${(await query<{ id: string }>(t, 'SELECT id FROM users WHERE email = $1', [ADMIN.email]))[0].id}/deactivate`,
      );
      expect(self.body.notice).toMatchObject({ type: 'error' });
    });

    it('usage logs: read-only, filtered, sortable by cost, with totals for the filter', async () => {
      await query(
        t,
        `INSERT INTO llm_usage_logs (provider, model, total_tokens, cost_micro_usd, latency_ms, status)
         VALUES ('openai', 'bo-e2e-mini', 100, 1500, 300, 'success'),
                ('openai', 'bo-e2e-mini', 50, 500, 100, 'error'),
                ('mistral', 'mistral-small', 10, 90000, 900, 'success')`,
      );
      const res = await get(
        admin,
        '/admin/api/resources/llm-usage/actions/list?filters.provider=openai&filters.model=bo-e2e&sortBy=costMicroUsd&direction=desc',
      );
      expect(
        res.body.records.map((r: { params: { costMicroUsd: number } }) => r.params.costMicroUsd),
      ).toEqual([1500, 500]);
      expect(res.body.meta.totals).toMatchObject({
        calls: 2,
        tokens: 150,
        failed: 1,
        avgLatencyMs: 200,
      });
      expect(res.body.notice.message).toContain('2 calls (1 failed), 150 tokens, $0.0020');

      const [{ id: userId }] = await query<{ id: string }>(
        t,
        'SELECT id FROM users WHERE email = $1',
        [staff.email],
      );
      await query(
        t,
        `INSERT INTO llm_usage_logs (provider, model, total_tokens, cost_micro_usd, latency_ms, status, user_id)
         VALUES ('groq', 'llama', 7, 70, 70, 'success', $1)`,
        [userId],
      );
      const mine = await get(
        admin,
        `/admin/api/resources/llm-usage/actions/list?filters.userId=${userId}`,
      );
      expect(mine.body.records).toHaveLength(1);
      expect(mine.body.meta.totals).toMatchObject({ calls: 1, tokens: 7 });
      const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
      const none = await get(
        admin,
        `/admin/api/resources/llm-usage/actions/list?filters.createdAt~~from=${future}`,
      );
      expect(none.body.records).toHaveLength(0);
      expect(none.body.meta.totals.calls).toBe(0);
      const model = await get(
        admin,
        '/admin/api/resources/llm-usage/actions/list?filters.model=e2e-mini',
      );
      expect(model.body.meta.totals.calls).toBe(model.body.meta.total);
      expectForbidden(
        await admin.post('/admin/api/resources/llm-usage/actions/new').send({ provider: 'x' }),
      );
      expect(await query(t, `SELECT 1 FROM llm_usage_logs WHERE provider = 'x'`)).toHaveLength(0);
    });

    it('the dashboard has 30 days of series', async () => {
      const { key, plaintext } = await t.get(GptKeysService).create({ name: 'Charted GPT' });
      for (let i = 0; i < 3; i++)
        await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      await t.get(GptKeyUsageRecorder).flush();
      const res = await get(admin, '/admin/api/dashboard');
      expect(res.body.days).toHaveLength(30);
      const calls = res.body.gptCallsByKey.find((x: { label: string }) =>
        x.label.includes(key.displayPrefix),
      );
      expect(calls.values.at(-1)).toBe(3); // today's requests of that key, every GPT route
      const cost = Object.fromEntries(
        res.body.llmCostByProvider.map((x: { label: string; values: number[] }) => [
          x.label,
          x.values,
        ]),
      );
      expect(Object.keys(cost).sort()).toEqual(['groq', 'mistral', 'openai']);
      expect(cost.openai.at(-1)).toBeGreaterThanOrEqual(0.002); // today, in dollars (+ key tests)
      expect(cost.mistral.at(-1)).toBeCloseTo(0.09, 6);
    });
  });

  describe('support chat', () => {
    it('staff read a thread, reply (the visitor sees it), assign and resolve', async () => {
      const visitor = await newVisitor(t);
      await sendAs(t, visitor, 'My quote <b>looks</b> wrong, can a human help?').expect(200);
      const { a } = await login(staff.email, staff.password);

      const list = await get(a, '/admin/api/resources/chat-sessions/actions/list');
      expect(list.body.records.map((r: { id: string }) => r.id)).toContain(visitor.id);
      const base = `/admin/api/resources/chat-sessions/records/${visitor.id}`;
      const thread = await get(a, `${base}/thread`);
      const asked = thread.body.thread.messages.find((m: { role: string }) => m.role === 'user');
      expect(asked.content).toContain('looks');

      await a.get(`${base}/reply`).expect(200); // a GET (a link) posts nothing
      const replied = await post(a, `${base}/reply`, { text: 'Hello, Sam from support here.' });
      const last = replied.body.thread.messages.at(-1);
      expect(last).toMatchObject({
        role: 'staff',
        senderName: 'Sam Staff',
        content: 'Hello, Sam from support here.',
      });
      expect(replied.body.thread).toMatchObject({ status: 'open', assistantEnabled: false });

      const history = await historyOf(t, visitor).expect(200);
      expect(JSON.stringify(history.body)).toContain('Hello, Sam from support here.');

      const assigned = await post(a, `${base}/assign`, {});
      expect(assigned.body.thread.assignedStaffId).toBeTruthy();
      const resolved = await post(a, `${base}/resolve`, {});
      expect(resolved.body.thread.status).toBe('resolved');

      const messages = await get(
        a,
        `/admin/api/resources/chat-messages/actions/list?filters.sessionId=${visitor.id}`,
      );
      expect(messages.body.records.length).toBeGreaterThanOrEqual(2);
    });

    it('a `user` session cannot reach chat actions (no back-office login at all)', async () => {
      const { a } = await login(plainUser.email, plainUser.password);
      await a.get('/admin/api/resources/chat-sessions/actions/list').expect(302);
    });
  });

  it('no admin response ever carried a hash, a ciphertext or a password', async () => {
    const secrets = [
      ...(await query<{ h: string }>(t, 'SELECT key_hash AS h FROM gpt_api_keys')).map((r) => r.h),
      ...(await query<{ h: string }>(t, 'SELECT password_hash AS h FROM users')).map((r) => r.h),
      ...(await query<{ h: string }>(t, 'SELECT encrypted_key AS h FROM llm_api_keys')).map(
        (r) => r.h,
      ),
      'sk-proj-' + 'Zq9'.repeat(12),
      ADMIN.password,
      staff.password,
    ];
    expect(secrets.length).toBeGreaterThan(6);
    expect(bodies.length).toBeGreaterThan(20); // this test runs last: the others filled it
    for (const { url, text } of bodies) {
      for (const s of secrets) {
        if (text.includes(s)) throw new Error(`${url} returned secret material`);
      }
      expect(text).not.toMatch(/keyHash|passwordHash|encryptedKey/);
    }
    // Plaintext GPT keys: only in the one response that created or rotated each.
    const issued = bodies
      .filter((b) => /newKey|rotate/.test(b.url))
      .map((b) => JSON.parse(b.text).secret as string);
    for (const key of issued.filter(Boolean)) {
      expect(bodies.filter((b) => b.text.includes(key))).toHaveLength(1);
      expect(bodies.some((b) => b.text.includes(sha256Hex(key)))).toBe(false);
    }
  });
});
