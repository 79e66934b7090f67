import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { UsersService } from '../src/users/users.service';
import { analysisBody, devisBody } from './support/devis-fixtures';
import {
  authorize,
  Browser,
  location,
  pingMcp,
  pkce,
  register,
  signIn,
  token,
} from './support/oauth-flow';
import { freePort } from './support/spawn';
import { bearer, loginAs, query, sleep, startTestApp, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Passerelle as an OAuth 2.1 authorization server for assistants (ChatGPT apps, Claude
 * connectors): discovery, dynamic registration, authorization code with PKCE, the sign-in and
 * consent pages, tokens bound to the MCP server, refresh rotation, revocation, scopes mapped to
 * tools, and every way to get it wrong. The MCP calls go through the official client.
 */
describe('OAuth 2.1 for the MCP server', () => {
  let t: TestApp;
  let base: string;
  let devis: Json;
  const alice = { email: 'alice@test.passerelle', password: 'alice-password-123456' };
  const bob = { email: 'bob@test.passerelle', password: 'bob-password-1234567' };
  const clients: Client[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ listen: true, port, env: { APP_URL: base } });
    for (const [person, name] of [
      [alice, 'Alice Martin'],
      [bob, 'Bob Durand'],
    ] as const) {
      await t.get(UsersService).create({ ...person, role: 'user', name });
    }
    const staff = (await loginAs(t, 'staff')).token;
    devis = (await t.http().post('/api/devis').set(bearer(staff)).send(devisBody()).expect(201))
      .body;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
  });

  async function mcp(accessToken: string): Promise<Client> {
    const client = new Client(
      { name: 'oauth-e2e', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: bearer(accessToken) },
      }),
    );
    clients.push(client);
    return client;
  }
  const postMcp = (accessToken: string) => pingMcp(base, accessToken);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await query<{ n: string }>(t, `SELECT count(*) AS n FROM ${sql}`, params))[0].n);

  describe('discovery', () => {
    it('answers 401 on /mcp with the RFC 9728 challenge, and serves that metadata', async () => {
      const res = await fetch(`${base}/mcp`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      const url = /resource_metadata="([^"]+)"/.exec(challenge)![1];
      expect(url).toBe(`${base}/.well-known/oauth-protected-resource/mcp`);
      const meta = (await (await fetch(url)).json()) as Json;
      expect(meta).toMatchObject({
        resource: `${base}/mcp`,
        authorization_servers: [base],
        scopes_supported: ['quotes:read', 'analyses:write', 'timesheets:read', 'timesheets:write'],
        bearer_methods_supported: ['header'],
      });
      const root = (await (
        await fetch(`${base}/.well-known/oauth-protected-resource`)
      ).json()) as Json;
      expect(root.resource).toBe(`${base}/mcp`);
    });

    it('publishes RFC 8414 metadata with S256 only, registration, revocation and iss', async () => {
      const res = await fetch(`${base}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(200);
      const meta = (await res.json()) as Json;
      expect(meta).toMatchObject({
        issuer: base,
        authorization_endpoint: `${base}/oauth/authorize`,
        token_endpoint: `${base}/oauth/token`,
        registration_endpoint: `${base}/oauth/register`,
        revocation_endpoint: `${base}/oauth/revoke`,
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        authorization_response_iss_parameter_supported: true,
      });
      expect(meta.grant_types_supported).toEqual(
        expect.arrayContaining(['authorization_code', 'refresh_token']),
      );
      expect(meta.scopes_supported).toEqual(
        expect.arrayContaining(['quotes:read', 'analyses:write']),
      );
    });
  });

  describe('the flow a connector runs', () => {
    let session: Awaited<ReturnType<typeof signIn>>;

    beforeAll(async () => {
      session = await signIn(base, alice, { scope: 'quotes:read analyses:write' });
    });

    it('returns the code with state and iss (RFC 9207), and a token bound to /mcp', () => {
      expect(session.callback.searchParams.get('iss')).toBe(base);
      expect(session.callback.searchParams.get('state')).toMatch(/\w/);
      expect(session.tokens).toMatchObject({
        token_type: 'Bearer',
        scope: 'quotes:read analyses:write',
        access_token: expect.any(String),
        refresh_token: expect.any(String),
      });
      expect(Number(session.tokens.expires_in)).toBeGreaterThan(0);
    });

    it('lets the person call every tool through the official client, as themselves', async () => {
      const client = await mcp(session.tokens.access_token);
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name).sort()).toEqual(
        [
          'createAnalysis',
          'findDevisByReference',
          'getConnectionStatus',
          'getDevis',
          'listDevisAnalyses',
        ].sort(),
      );
      const create = tools.find((x) => x.name === 'createAnalysis')!;
      expect(create._meta).toEqual({
        securitySchemes: [{ type: 'oauth2', scopes: ['analyses:write'] }],
      });

      const status = (await client.callTool({
        name: 'getConnectionStatus',
        arguments: {},
      })) as Json;
      expect(status.structuredContent).toMatchObject({
        name: 'Alice Martin via Assistant e2e',
        keyPrefix: 'oauth',
        rateLimit: 300,
      });
      const stored = (await client.callTool({
        name: 'createAnalysis',
        arguments: { ...analysisBody(devis.id), idempotencyKey: 'alice-1' },
      })) as Json;
      expect(stored.isError).toBeFalsy();
      const [row] = await query<Json>(
        t,
        'SELECT api_key_id, user_id, oauth_client_id FROM gpt_analyses WHERE id = $1',
        [stored.structuredContent.id],
      );
      const [aliceRow] = await query<{ id: string }>(t, 'SELECT id FROM users WHERE email = $1', [
        alice.email,
      ]);
      expect(row).toEqual({
        api_key_id: null,
        user_id: aliceRow.id,
        oauth_client_id: session.client.client_id,
      });

      let calls: Json[] = [];
      for (let i = 0; i < 50 && calls.length < 2; i++) {
        await sleep(100);
        calls = await query(
          t,
          'SELECT tool, user_id, client_id, gpt_key_id FROM assistant_tool_calls WHERE user_id = $1 ORDER BY called_at',
          [aliceRow.id],
        );
      }
      expect(calls).toEqual([
        {
          tool: 'getConnectionStatus',
          user_id: aliceRow.id,
          client_id: session.client.client_id,
          gpt_key_id: null,
        },
        {
          tool: 'createAnalysis',
          user_id: aliceRow.id,
          client_id: session.client.client_id,
          gpt_key_id: null,
        },
      ]);
    });

    it('rotates the refresh token: the new pair works; replaying the old one revokes the family', async () => {
      const refreshed = await token(base, {
        grant_type: 'refresh_token',
        refresh_token: session.tokens.refresh_token,
        client_id: session.client.client_id,
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(session.tokens.refresh_token);
      expect((await postMcp(refreshed.body.access_token)).status).toBe(200);

      // A replayed refresh token means it leaked: the whole grant ends (RFC 9700 §4.14).
      const reused = await token(base, {
        grant_type: 'refresh_token',
        refresh_token: session.tokens.refresh_token,
        client_id: session.client.client_id,
      });
      expect(reused.status).toBe(400);
      expect(reused.body.error).toBe('invalid_grant');
      expect((await postMcp(refreshed.body.access_token)).status).toBe(401);
    });

    it('revokes: after POST /oauth/revoke the access token gets 401 on /mcp', async () => {
      const { tokens, client } = await signIn(base, alice, { scope: 'quotes:read' });
      expect((await postMcp(tokens.access_token)).status).toBe(200);
      const res = await fetch(`${base}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: tokens.refresh_token,
          client_id: client.client_id,
        }).toString(),
      });
      expect(res.status).toBe(200);
      const after = await postMcp(tokens.access_token);
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      expect(await after.json()).toMatchObject({ code: 'OAUTH_TOKEN_INVALID' });
    });
  });

  describe('scopes map to tools', () => {
    it('shows a read-only grant only the tools it covers; the others answer insufficient_scope', async () => {
      const { tokens } = await signIn(base, alice, { scope: 'quotes:read' });
      expect(tokens.scope).toBe('quotes:read');
      const client = await mcp(tokens.access_token);
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name)).not.toContain('createAnalysis');
      expect(tools.map((x) => x.name)).toContain('getDevis');
      const before = await count('gpt_analyses');
      const refused = (await client.callTool({
        name: 'createAnalysis',
        arguments: analysisBody(devis.id),
      })) as Json;
      expect(refused.isError).toBe(true);
      expect(JSON.parse(refused.content[0].text).error.code).toBe('INSUFFICIENT_SCOPE');
      expect(refused._meta['mcp/www_authenticate'][0]).toMatch(
        /^Bearer resource_metadata=".+", scope="analyses:write", error="insufficient_scope"/,
      );
      expect(await count('gpt_analyses')).toBe(before);
    });

    it('gives the default scopes to a client that sends none (ChatGPT on reconnect)', async () => {
      const { tokens } = await signIn(base, bob);
      expect(tokens.scope.split(' ').sort()).toEqual([
        'analyses:write',
        'quotes:read',
        'timesheets:read',
        'timesheets:write',
      ]);
    });
  });

  describe('mistakes get a clear error and store nothing', () => {
    it('refuses a wrong PKCE verifier (the right one still works, once)', async () => {
      const { body: client } = await register(base);
      const { verifier, challenge } = pkce();
      const callback = await authorize(base, { client, challenge, ...alice, scope: 'quotes:read' });
      const code = callback.searchParams.get('code')!;
      const exchange = (codeVerifier: string) =>
        token(base, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirect_uris[0],
          client_id: client.client_id,
          code_verifier: codeVerifier,
        });
      const wrong = await exchange(pkce().verifier);
      expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(wrong.body.access_token).toBeUndefined();
      expect((await exchange(verifier)).status).toBe(200);
      expect((await exchange(verifier)).body.error).toBe('invalid_grant');
    });

    it('refuses a code used twice, and the second use revokes what the first gave', async () => {
      const { body: client } = await register(base);
      const { verifier, challenge } = pkce();
      const callback = await authorize(base, { client, challenge, ...alice, scope: 'quotes:read' });
      const form = {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: client.redirect_uris[0],
        client_id: client.client_id,
        code_verifier: verifier,
      };
      const first = await token(base, form);
      expect(first.status).toBe(200);
      const second = await token(base, form);
      expect(second).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect((await postMcp(first.body.access_token)).status).toBe(401);
    });

    it('requires PKCE S256', async () => {
      const { body: client } = await register(base);
      const browser = new Browser(base);
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: client.redirect_uris[0],
        scope: 'quotes:read',
      });
      const res = await browser.go(`/oauth/authorize?${params}`);
      const back = new URL(location(res));
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
      const plain = await browser.go(
        `/oauth/authorize?${params}&code_challenge=${'a'.repeat(43)}&code_challenge_method=plain`,
      );
      expect(new URL(location(plain)).searchParams.get('error')).toBe('invalid_request');
    });

    it('never redirects to an unregistered redirect URI (exact match)', async () => {
      const { body: client } = await register(base);
      const res = await new Browser(base).go(
        `/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: client.client_id,
          redirect_uri: `${client.redirect_uris[0]}/extra`,
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
        })}`,
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('redirect_uri');
    });

    it('refuses a token for another resource (RFC 8707 audience)', async () => {
      const { body: client } = await register(base);
      const callback = await authorize(base, {
        client,
        challenge: pkce().challenge,
        ...alice,
        resource: 'https://other.example/mcp',
      });
      expect(callback.searchParams.get('error')).toBe('invalid_target');
      expect(callback.searchParams.get('code')).toBeNull();
    });

    it('a denied consent sends access_denied back and stores no grant', async () => {
      const grants = () => count(`oauth_models WHERE model = 'Grant'`);
      const before = await grants();
      const { body: client } = await register(base);
      const callback = await authorize(base, {
        client,
        challenge: pkce().challenge,
        ...bob,
        consent: 'deny',
      });
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('code')).toBeNull();
      expect(await grants()).toBe(before);
    });

    it('answers a wrong password on the sign-in page with the page again (401), in French', async () => {
      const { body: client } = await register(base);
      const browser = new Browser(base);
      const res = await browser.go(
        `/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: client.client_id,
          redirect_uri: client.redirect_uris[0],
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
        })}`,
      );
      const page = location(res);
      expect((await browser.go(page)).status).toBe(200);
      const wrong = await browser.post(`${page}/login`, {
        email: alice.email,
        password: 'not-the-password',
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('E-mail ou mot de passe incorrect.');
      const english = await browser.go(`${page}?lang=en`);
      expect(await english.text()).toContain('Sign in to Passerelle');

      // The switch holds for the rest of the sign-in, across the provider's redirects.
      let res2 = await browser.post(`${page}/login`, alice);
      while (res2.status === 303 && !location(res2).includes('/oauth/interaction/')) {
        res2 = await browser.go(location(res2));
      }
      const consent = await browser.go(location(res2));
      expect(await consent.text()).toContain('Allow access');
    });

    it('accepts a client ID metadata document only from a public https URL', async () => {
      const meta = (await (
        await fetch(`${base}/.well-known/oauth-authorization-server`)
      ).json()) as Json;
      expect(meta.client_id_metadata_document_supported).toBe(true);
      for (const clientId of [
        'http://client.example/oauth.json',
        'https://127.0.0.1:9/oauth.json',
      ]) {
        const res = await new Browser(base).go(
          `/oauth/authorize?${new URLSearchParams({
            response_type: 'code',
            client_id: clientId,
            redirect_uri: 'https://client.example/callback',
            code_challenge: pkce().challenge,
            code_challenge_method: 'S256',
          })}`,
        );
        expect({ clientId, status: res.status }).toEqual({ clientId, status: 400 });
        expect(res.headers.get('location')).toBeNull();
        expect(await res.text()).toContain('invalid_client');
      }
    });

    it('shows an unknown or finished sign-in as expired (400), and stores nothing', async () => {
      const grants = () => count(`oauth_models WHERE model = 'Grant'`);
      const before = await grants();
      const unknown = await new Browser(base).go('/oauth/interaction/no-such-interaction');
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain('Cette demande de connexion a expiré');
      const post = await new Browser(base).post(
        '/oauth/interaction/no-such-interaction/confirm?lang=en',
        {},
      );
      expect(post.status).toBe(400);
      expect(await post.text()).toContain('This sign-in request has expired');
      expect(await grants()).toBe(before);
    });

    it('refuses registration metadata it cannot honour, registering nothing', async () => {
      const before = await count(`oauth_models WHERE model = 'Client'`);
      const none = await register(base, { redirect_uris: [] });
      expect(none.status).toBe(400);
      expect(String(none.body.error)).toMatch(/invalid_(redirect_uri|client_metadata)/);
      const implicit = await register(base, { response_types: ['token'] });
      expect(implicit.status).toBe(400);
      expect(await count(`oauth_models WHERE model = 'Client'`)).toBe(before);
    });

    it('refuses a token whose person was deactivated', async () => {
      const carol = { email: 'carol@test.passerelle', password: 'carol-password-12345' };
      const { user } = await t.get(UsersService).create({ ...carol, role: 'user', name: 'Carol' });
      const { tokens } = await signIn(base, carol);
      expect((await postMcp(tokens.access_token)).status).toBe(200);
      await t.get(UsersService).update(user.id, { isActive: false });
      expect((await postMcp(tokens.access_token)).status).toBe(401);
    });
  });

  describe('people see and revoke their grants', () => {
    it('lists my grants with the assistant name; revoking one ends its tokens at once', async () => {
      const { tokens, client } = await signIn(base, bob, { scope: 'quotes:read' });
      const session = (await t.http().post('/api/auth/login').send(bob).expect(200)).body
        .token as string;
      const mine = (await t.http().get('/api/oauth/grants').set(bearer(session)).expect(200))
        .body as Json[];
      const grant = mine.find((g) => g.clientId === client.client_id)!;
      expect(grant).toMatchObject({ clientName: 'Assistant e2e', scopes: ['quotes:read'] });

      const aliceSession = (await t.http().post('/api/auth/login').send(alice).expect(200)).body
        .token as string;
      await t
        .http()
        .delete(`/api/oauth/grants/${grant.grantId}`)
        .set(bearer(aliceSession))
        .expect(404);
      expect((await postMcp(tokens.access_token)).status).toBe(200);

      await t.http().delete(`/api/oauth/grants/${grant.grantId}`).set(bearer(session)).expect(204);
      expect((await postMcp(tokens.access_token)).status).toBe(401);
      const after = (await t.http().get('/api/oauth/grants').set(bearer(session)).expect(200))
        .body as Json[];
      expect(after.map((g) => g.grantId)).not.toContain(grant.grantId);
    });
  });
});
