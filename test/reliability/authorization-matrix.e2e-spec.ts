import { bearer, createGptKey, loginAs, startTestApp, TestApp } from '../support/test-app';

/** `oauth-person`: an OAuth access token of a person (none of the callers below holds one). */
type Policy = 'public' | 'gpt-key' | 'user' | 'staff' | 'admin' | 'chat-session' | 'oauth-person';
type Caller = 'anonymous' | 'user' | 'staff' | 'admin' | 'gpt-key';

/**
 * Who may call what: the intended policy of every documented route, written down here on
 * purpose (not read from the code under test). A route missing from this table fails the
 * suite, so a new route cannot ship without deciding who may call it.
 */
const POLICY: Record<string, Policy> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /.well-known/oauth-protected-resource': 'public',
  'GET /.well-known/oauth-protected-resource/mcp': 'public',
  'GET /api/oauth/grants': 'user',
  'DELETE /api/oauth/grants/{id}': 'user',
  'POST /api/auth/login': 'public',
  'GET /api/auth/me': 'user',
  'POST /api/auth/logout': 'user',
  'GET /api/admin/gpt-keys': 'admin',
  'POST /api/admin/gpt-keys': 'admin',
  'GET /api/admin/gpt-keys/{id}': 'admin',
  'PATCH /api/admin/gpt-keys/{id}': 'admin',
  'DELETE /api/admin/gpt-keys/{id}': 'admin',
  'POST /api/admin/gpt-keys/{id}/rotate': 'admin',
  'GET /api/gpt/me': 'gpt-key',
  'POST /api/devis': 'staff',
  'GET /api/devis': 'staff',
  'GET /api/devis/{id}': 'staff',
  'PATCH /api/devis/{id}': 'staff',
  'DELETE /api/devis/{id}': 'staff',
  'GET /api/gpt/devis': 'gpt-key',
  'GET /api/gpt/devis/{id}': 'gpt-key',
  'GET /api/gpt/devis/{id}/analyses': 'gpt-key',
  'POST /api/gpt/analysis': 'gpt-key',
  'POST /mcp': 'gpt-key',
  'GET /mcp': 'gpt-key',
  'DELETE /mcp': 'gpt-key',
  'GET /api/admin/gpt-analyses/stats': 'staff',
  'POST /api/admin/gpt-analyses/{id}/review': 'staff',
  'GET /api/gpt/openapi': 'public',
  'GET /api/gpt/openapi.yaml': 'public',
  'GET /privacy': 'public',
  'GET /api/llm/keys': 'user',
  'POST /api/llm/keys': 'user',
  'GET /api/llm/keys/{id}': 'user',
  'PATCH /api/llm/keys/{id}': 'user',
  'DELETE /api/llm/keys/{id}': 'user',
  'POST /api/llm/keys/{id}/test': 'user',
  'POST /api/llm/chat': 'user',
  'GET /api/llm/models': 'user',
  'POST /v1/chat/completions': 'user',
  'GET /v1/models': 'user',
  'GET /api/llm/templates': 'user',
  'POST /api/llm/templates': 'user',
  'GET /api/llm/templates/{id}': 'user',
  'PATCH /api/llm/templates/{id}': 'user',
  'DELETE /api/llm/templates/{id}': 'user',
  'GET /api/llm/usage': 'user',
  'POST /api/feedback': 'public',
  'GET /api/admin/feedback': 'staff',
  'GET /api/admin/feedback/{id}': 'staff',
  'PATCH /api/admin/feedback/{id}': 'staff',
  'POST /api/chat/create-session': 'public',
  'POST /api/chat/message': 'chat-session',
  'GET /api/chat/history': 'chat-session',
  'GET /api/chat/stream': 'chat-session',
  'POST /api/chat/sessions/{id}/rating': 'chat-session',
  'GET /api/admin/chat/sessions': 'staff',
  'GET /api/admin/chat/sessions/{id}': 'staff',
  'POST /api/admin/chat/sessions/{id}/reply': 'staff',
  'POST /api/admin/chat/sessions/{id}/assign': 'staff',
  'POST /api/admin/chat/sessions/{id}/resolve': 'staff',
  'GET /api/admin/chat/settings': 'admin',
  'PATCH /api/admin/chat/settings': 'admin',
  'GET /api/timesheets/me/settings': 'user',
  'PUT /api/timesheets/me/settings': 'user',
  'GET /api/timesheets/me/customers': 'oauth-person',
  'GET /api/timesheets/me/projects': 'oauth-person',
  'GET /api/timesheets/me/phases': 'oauth-person',
  'GET /api/timesheets/me/activities': 'oauth-person',
  'GET /api/timesheets/me/kinds': 'oauth-person',
  'POST /api/timesheets/me/entries': 'oauth-person',
  'GET /api/timesheets/me/entries': 'oauth-person',
  'PATCH /api/timesheets/me/entries/{id}': 'oauth-person',
  'DELETE /api/timesheets/me/entries/{id}': 'oauth-person',
  'GET /api/timesheets/me/summary': 'oauth-person',
  'POST /api/timesheets/customers': 'staff',
  'GET /api/timesheets/customers': 'staff',
  'GET /api/timesheets/customers/{id}': 'staff',
  'PATCH /api/timesheets/customers/{id}': 'staff',
  'DELETE /api/timesheets/customers/{id}': 'staff',
  'POST /api/timesheets/projects': 'staff',
  'GET /api/timesheets/projects': 'staff',
  'GET /api/timesheets/projects/{id}': 'staff',
  'PATCH /api/timesheets/projects/{id}': 'staff',
  'DELETE /api/timesheets/projects/{id}': 'staff',
  'PUT /api/timesheets/projects/{id}/kinds': 'staff',
  'GET /api/timesheets/projects/{id}/members': 'staff',
  'POST /api/timesheets/projects/{id}/members': 'staff',
  'DELETE /api/timesheets/projects/{id}/members/{userId}': 'staff',
  'POST /api/timesheets/phases': 'staff',
  'GET /api/timesheets/phases': 'staff',
  'PATCH /api/timesheets/phases/{id}': 'staff',
  'DELETE /api/timesheets/phases/{id}': 'staff',
  'POST /api/timesheets/activities': 'staff',
  'GET /api/timesheets/activities': 'staff',
  'PATCH /api/timesheets/activities/{id}': 'staff',
  'DELETE /api/timesheets/activities/{id}': 'staff',
  'PUT /api/timesheets/activities/{id}/kinds': 'staff',
  'POST /api/timesheets/kinds': 'staff',
  'GET /api/timesheets/kinds': 'staff',
  'PATCH /api/timesheets/kinds/{id}': 'staff',
  'DELETE /api/timesheets/kinds/{id}': 'staff',
  'GET /api/timesheets/entries': 'staff',
  'GET /api/timesheets/entries/export.csv': 'staff',
};

/** A valid body where the common one is not (chat routes validate before the access check). */
const BODY: Record<string, object> = {
  'POST /api/chat/sessions/{id}/rating': { rating: 5 },
};

const RANK: Record<Caller, number> = { anonymous: 0, 'gpt-key': 0, user: 1, staff: 2, admin: 3 };

function allowed(policy: Policy, caller: Caller): boolean {
  switch (policy) {
    case 'public':
      return true;
    case 'gpt-key':
      return caller === 'gpt-key';
    case 'chat-session':
      return false; // none of these callers holds this chat session's token
    case 'oauth-person':
      return false; // session tokens are not OAuth tokens; a GPT key has no person (403)
    default:
      return caller !== 'gpt-key' && RANK[caller] >= RANK[policy];
  }
}

describe('Reliability: authorization matrix (every route × every kind of caller)', () => {
  let t: TestApp;
  const tokens = {} as Record<Caller, Record<string, string>>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens.anonymous = {};
    tokens.user = bearer((await loginAs(t, 'user')).token);
    tokens.staff = bearer((await loginAs(t, 'staff')).token);
    tokens.admin = bearer((await loginAs(t, 'admin')).token);
    tokens['gpt-key'] = bearer((await createGptKey(t, { rateLimitPerHour: 100_000 })).plaintext);
  }, 60_000);
  afterAll(() => t?.close());

  it('documents exactly the routes this table decides on', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.filter((r) => !(r in POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('lets through only the intended callers: others get 401 (no or wrong credentials) or 403 (role)', async () => {
    const wrong: string[] = [];
    const someId = '0f0e0d0c-0b0a-4908-8706-050403020100';
    for (const [route, policy] of Object.entries(POLICY)) {
      const [method, path] = route.split(' ');
      if (route === 'POST /api/auth/logout') continue; // would end the session the next rows use
      const url =
        path.replace(/\{[a-zA-Z]+\}/g, someId) +
        (path.startsWith('/api/chat/') ? `?sessionId=${someId}` : '');
      for (const caller of Object.keys(tokens) as Caller[]) {
        const ok = allowed(policy, caller);
        if (ok && route === 'GET /api/chat/stream') continue; // stays open by design
        const http = t.http() as unknown as Record<string, (u: string) => import('supertest').Test>;
        let req = http[method.toLowerCase()](url).set(tokens[caller]);
        if (method === 'POST' || method === 'PATCH')
          req = req.send(BODY[route] ?? { sessionId: someId, message: 'x' });
        const res = await req.timeout(10_000);
        // Chat sessions answer another caller's session id with 404: nothing says it exists.
        const refused =
          res.status === 401 ||
          res.status === 403 ||
          (policy === 'chat-session' && res.status === 404);
        if (res.status >= 500 || ok === refused) {
          wrong.push(
            `${route} as ${caller}: ${res.status} (expected ${ok ? 'through' : 'refused'})`,
          );
        }
        if (
          !ok &&
          policy !== 'chat-session' &&
          policy !== 'oauth-person' &&
          caller !== 'anonymous' &&
          caller !== 'gpt-key'
        ) {
          // A logged-in caller with too low a role is told so (403), not asked to log in.
          if (res.status !== 403 && policy !== 'gpt-key')
            wrong.push(`${route} as ${caller}: ${res.status}, expected 403`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("never shows one user's provider keys, templates, usage or chats to another", async () => {
    const alice = await loginAs(t, 'user');
    const bob = bearer((await loginAs(t, 'user')).token);
    const a = bearer(alice.token);
    const key = await t
      .http()
      .post('/api/llm/keys')
      .set(a)
      .send({ provider: 'openai', name: 'Alice', apiKey: `sk-proj-${'a'.repeat(40)}` })
      .expect(201);
    const tpl = await t
      .http()
      .post('/api/llm/templates')
      .set(a)
      .send({ name: 'Alice', content: 'Bonjour {{nom}}' })
      .expect(201);
    await t
      .http()
      .post('/api/llm/chat')
      .set(a)
      .send({ provider: 'mock', message: 'Bonjour' })
      .expect(200);
    const chat = await t.http().post('/api/chat/create-session').set(a).send({}).expect(201);

    await t
      .http()
      .get(`/api/llm/keys/${key.body.id as string}`)
      .set(bob)
      .expect(404);
    await t
      .http()
      .patch(`/api/llm/keys/${key.body.id as string}`)
      .set(bob)
      .send({ name: 'x' })
      .expect(404);
    await t
      .http()
      .delete(`/api/llm/keys/${key.body.id as string}`)
      .set(bob)
      .expect(404);
    await t
      .http()
      .post(`/api/llm/keys/${key.body.id as string}/test`)
      .set(bob)
      .send({})
      .expect(404);
    await t
      .http()
      .get(`/api/llm/templates/${tpl.body.id as string}`)
      .set(bob)
      .expect(404);
    expect((await t.http().get('/api/llm/keys').set(bob).expect(200)).body).toEqual([]);
    expect((await t.http().get('/api/llm/templates').set(bob).expect(200)).body).toEqual([]);
    const usage = await t.http().get('/api/llm/usage?groupBy=provider').set(bob).expect(200);
    expect(JSON.stringify(usage.body)).not.toContain('mock');
    const history = await t
      .http()
      .get(`/api/chat/history?sessionId=${chat.body.sessionId as string}`)
      .set(bob);
    expect(history.status).toBe(404);
  });
});
