import request from 'supertest';
import { scrubSecrets } from '../admin/access';
import { UsersService } from '../src/users/users.service';
import { pingMcp, register, signIn, token } from './support/oauth-flow';
import { freePort } from './support/spawn';
import { ADMIN, query, startTestApp, TestApp } from './support/test-app';

type Agent = ReturnType<typeof request.agent>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The back-office's OAuth pages: registered clients and people's grants, listed without any
 * secret, and revoked by an admin (the next call with the token gets 401). Its own app, which
 * listens on the port APP_URL names (the OAuth issuer and the MCP resource are that URL).
 */
describe('Back-office: OAuth clients and grants', () => {
  let t: TestApp;
  let base: string;
  let admin: Agent;
  let staff: Agent;
  let aliceId: string;
  const run = Math.random().toString(36).slice(2, 8);
  const alice = { email: `alice-${run}@test.passerelle`, password: 'alice-password-123456' };
  const bob = { email: `bob-${run}@test.passerelle`, password: 'bob-password-1234567' };
  const staffUser = { email: `staff-${run}@test.passerelle`, password: 'staff-password-123456' };
  /** Every back-office response body, searched at the end for secrets. */
  const bodies: { url: string; text: string }[] = [];
  /** Every secret the OAuth server handed out in this suite. */
  const secrets: string[] = [];

  const keep = (res: request.Response) => {
    bodies.push({ url: res.request.url, text: res.text });
    return res;
  };
  const get = async (a: Agent, url: string) => keep(await a.get(url).expect(200));
  const post = async (a: Agent, url: string, data: Record<string, unknown> = {}) =>
    keep(await a.post(url).send(data).expect(200));
  const login = async (email: string, password: string) => {
    const a = request.agent(t.app.getHttpServer());
    await a.post('/admin/login').type('form').send({ email, password }).expect(302);
    return a;
  };
  const expectForbidden = (res: request.Response) => {
    expect(res.status).toBe(200);
    expect(res.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    expect(res.body.record?.params ?? {}).toEqual({});
  };
  const ping = async (accessToken: string) => (await pingMcp(base, accessToken)).status;
  const records = (res: request.Response) => res.body.records as { id: string; params: Json }[];
  const grantsOf = async (email: string) =>
    records(
      await get(
        admin,
        `/admin/api/resources/oauth-grants/actions/list?filters.accountEmail=${encodeURIComponent(email)}`,
      ),
    );
  const signInKept = async (...args: Parameters<typeof signIn>) => {
    const session = await signIn(...args);
    secrets.push(session.tokens.access_token, session.tokens.refresh_token);
    return session;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ listen: true, port, env: { APP_URL: base } });
    const users = t.get(UsersService);
    aliceId = (await users.create({ ...alice, role: 'user', name: 'Alice Martin' })).user.id;
    await users.create({ ...bob, role: 'user', name: 'Bob Durand' });
    await users.create({ ...staffUser, role: 'staff', name: 'Sam Staff' });
    admin = await login(ADMIN.email, ADMIN.password);
    staff = await login(staffUser.email, staffUser.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('clients', () => {
    let publicClient: Json;
    let confidential: Json;

    beforeAll(async () => {
      const a = await register(base, { client_name: `Claude e2e ${run}` });
      const b = await register(base, {
        client_name: `Confidential e2e ${run}`,
        redirect_uris: ['https://example.test/a', 'https://example.test/b'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expect([a.status, b.status]).toEqual([201, 201]);
      publicClient = a.body;
      confidential = b.body;
      expect(publicClient.registration_access_token).toEqual(expect.any(String));
      expect(confidential.client_secret).toEqual(expect.any(String));
      secrets.push(
        publicClient.registration_access_token,
        confidential.registration_access_token,
        confidential.client_secret,
      );
    });

    it('lists registered clients (id, name, redirect URIs, registered at), nothing secret', async () => {
      const list = await get(admin, '/admin/api/resources/oauth-clients/actions/list');
      const rows = records(list);
      const mine = rows.find((r) => r.id === publicClient.client_id)!;
      expect(mine.params).toEqual({
        clientId: publicClient.client_id,
        clientName: `Claude e2e ${run}`,
        redirectUris: 'http://127.0.0.1:9/callback',
        authMethod: 'none',
        liveGrants: 0,
        registeredAt: expect.any(String),
      });
      expect(Math.abs(Date.parse(mine.params.registeredAt) - Date.now())).toBeLessThan(60_000);
      const other = rows.find((r) => r.id === confidential.client_id)!;
      expect(other.params).toMatchObject({
        redirectUris: 'https://example.test/a https://example.test/b',
        authMethod: 'client_secret_basic',
      });
      // Newest first.
      expect(rows.map((r) => r.id).slice(0, 2)).toEqual([
        confidential.client_id,
        publicClient.client_id,
      ]);
      const show = await get(
        admin,
        `/admin/api/resources/oauth-clients/records/${confidential.client_id}/show`,
      );
      expect(Object.keys(show.body.record.params).sort()).toEqual(
        [
          'authMethod',
          'clientId',
          'clientName',
          'liveGrants',
          'redirectUris',
          'registeredAt',
        ].sort(),
      );
      for (const body of [list.text, show.text]) {
        expect(body).not.toMatch(
          /registration_access_token|registrationAccessToken|"client_secret"|clientSecret/,
        );
      }
    });

    it('filters clients by name and by redirect URI', async () => {
      const byName = await get(
        admin,
        `/admin/api/resources/oauth-clients/actions/list?filters.clientName=${encodeURIComponent(`Claude e2e ${run}`)}`,
      );
      expect(records(byName).map((r) => r.id)).toEqual([publicClient.client_id]);
      const byUri = await get(
        admin,
        '/admin/api/resources/oauth-clients/actions/list?filters.redirectUris=example.test/b',
      );
      expect(records(byUri).map((r) => r.id)).toEqual([confidential.client_id]);
    });
  });

  describe('grants', () => {
    let aliceSession: Awaited<ReturnType<typeof signIn>>;
    let bobSession: Awaited<ReturnType<typeof signIn>>;

    beforeAll(async () => {
      aliceSession = await signInKept(base, alice, { scope: 'quotes:read' });
      bobSession = await signInKept(base, bob);
    });

    it("lists each person's grants: person, client name, scopes, created, expires", async () => {
      const [grant, ...more] = await grantsOf(alice.email);
      expect(more).toHaveLength(0);
      expect(grant.params).toEqual({
        grantId: grant.id,
        accountId: aliceId,
        accountEmail: alice.email,
        accountName: 'Alice Martin',
        clientId: aliceSession.client.client_id,
        clientName: 'Assistant e2e',
        scopes: 'quotes:read',
        liveTokens: 2, // the access token and the refresh token
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
      });
      expect(Date.parse(grant.params.expiresAt)).toBeGreaterThan(Date.now());
      const [bobs] = await grantsOf(bob.email);
      expect(bobs.params.scopes.split(' ').sort()).toEqual([
        'analyses:write',
        'quotes:read',
        'timesheets:read',
        'timesheets:write',
      ]);
      const client = records(
        await get(
          admin,
          `/admin/api/resources/oauth-clients/actions/list?filters.clientId=${aliceSession.client.client_id}`,
        ),
      );
      expect(client[0].params.liveGrants).toBe(1);
    });

    it('filters grants by person (email, name or id) and by client', async () => {
      const ids = async (filter: string) =>
        records(await get(admin, `/admin/api/resources/oauth-grants/actions/list?${filter}`)).map(
          (r) => r.params.accountEmail,
        );
      expect(await ids(`filters.accountName=Bob%20Durand`)).toEqual([bob.email]);
      expect(await ids(`filters.accountId=${aliceId}`)).toEqual([alice.email]);
      expect(await ids(`filters.clientId=${bobSession.client.client_id}`)).toEqual([bob.email]);
      expect(
        (await ids(`filters.clientName=Assistant%20e2e`)).filter((e) => e.includes(run)).sort(),
      ).toEqual([alice.email, bob.email].sort());
    });

    it('staff read clients and grants but cannot revoke either', async () => {
      const [grant] = await grantsOf(alice.email);
      await get(staff, '/admin/api/resources/oauth-clients/actions/list');
      await get(staff, `/admin/api/resources/oauth-grants/records/${grant.id}/show`);
      expectForbidden(
        keep(await staff.post(`/admin/api/resources/oauth-grants/records/${grant.id}/revoke`)),
      );
      expectForbidden(
        keep(
          await staff.post(
            `/admin/api/resources/oauth-clients/records/${aliceSession.client.client_id}/revoke`,
          ),
        ),
      );
      expect(await grantsOf(alice.email)).toHaveLength(1);
      expect(await ping(aliceSession.tokens.access_token)).toBe(200);
    });

    it('an admin revokes a grant (a GET does nothing): the next call with its token gets 401', async () => {
      const [grant] = await grantsOf(alice.email);
      const url = `/admin/api/resources/oauth-grants/records/${grant.id}/revoke`;
      await get(admin, url);
      expect(await ping(aliceSession.tokens.access_token)).toBe(200);

      const res = await post(admin, url);
      expect(res.body.notice).toEqual({ message: 'Grant revoked', type: 'success' });
      expect(res.body.redirectUrl).toBe('/admin/resources/oauth-grants/actions/list');
      expect(await ping(aliceSession.tokens.access_token)).toBe(401);
      const refreshed = await token(base, {
        grant_type: 'refresh_token',
        refresh_token: aliceSession.tokens.refresh_token,
        client_id: aliceSession.client.client_id,
      });
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
      expect(await grantsOf(alice.email)).toEqual([]);
      expect(
        await query(t, `SELECT model FROM oauth_models WHERE grant_id = $1 OR id = $1`, [grant.id]),
      ).toEqual([]);
      // Someone else's grant is untouched; revoking the same grant again is an error notice.
      expect(await ping(bobSession.tokens.access_token)).toBe(200);
      const again = await admin.post(url);
      expect(again.body.notice).toMatchObject({ type: 'error' });
      expect(again.body.notice.message).toMatch(/cannot be found/);
    });

    it('an admin revokes a client: gone from the list with its grants and tokens (401)', async () => {
      const clientId = bobSession.client.client_id;
      const res = await post(
        admin,
        `/admin/api/resources/oauth-clients/records/${clientId}/revoke`,
      );
      expect(res.body.notice).toMatchObject({ type: 'success' });
      expect(res.body.notice.message).toMatch(
        /^Client "Assistant e2e" revoked \(\d+ records removed\)$/,
      );
      expect(res.body.redirectUrl).toBe('/admin/resources/oauth-clients/actions/list');
      expect(await ping(bobSession.tokens.access_token)).toBe(401);
      expect(await grantsOf(bob.email)).toEqual([]);
      const list = records(await get(admin, '/admin/api/resources/oauth-clients/actions/list'));
      expect(list.map((r) => r.id)).not.toContain(clientId);
      expect(
        await query(t, `SELECT model FROM oauth_models WHERE client_id = $1 OR id = $1`, [
          clientId,
        ]),
      ).toEqual([]);
    });
  });

  it('scrubSecrets drops token and secret parameters from any record, and keeps counts', async () => {
    const response = {
      record: {
        params: {
          clientId: 'c1',
          registrationAccessToken: 'x',
          registration_access_token: 'x',
          clientSecret: 'x',
          accessToken: 'x',
          refresh_token: 'x',
          liveTokens: 2,
        },
      },
      records: [{ params: { client_secret: 'x', totalTokens: 5 } }],
    };
    const scrubbed = (await scrubSecrets(response as never, {} as never, {} as never)) as Json;
    expect(scrubbed.record.params).toEqual({ clientId: 'c1', liveTokens: 2 });
    expect(scrubbed.records[0].params).toEqual({ totalTokens: 5 });
  });

  it('no back-office response carried a client secret, a registration token or an OAuth token', () => {
    expect(secrets.filter(Boolean).length).toBeGreaterThanOrEqual(7);
    expect(bodies.length).toBeGreaterThan(15);
    for (const { url, text } of bodies) {
      for (const s of secrets.filter(Boolean)) {
        if (text.includes(s)) throw new Error(`${url} returned secret material`);
      }
    }
  });
});
