import {
  auth,
  Client,
  OAuthError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type FetchLike,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { UsersService } from '../src/users/users.service';
import { launchChromium } from './support/browser';
import { analysisBody, devisBody } from './support/devis-fixtures';
import { freePort } from './support/spawn';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCREENSHOTS = join(__dirname, '..', 'artifacts', 'screenshots');
const TOOLS = [
  'createAnalysis',
  'createTimeEntry',
  'deleteTimeEntry',
  'findDevisByReference',
  'getConnectionStatus',
  'getDevis',
  'listActivities',
  'listCustomers',
  'listDevisAnalyses',
  'listKinds',
  'listMyTimeEntries',
  'listPhases',
  'listProjects',
  'mySummary',
  'updateTimeEntry',
];

/**
 * An assistant's OAuth client as the official SDK expects a host to write one, kept in memory:
 * the SDK itself discovers, registers, builds the PKCE authorization URL, redeems the code,
 * refreshes and, when the grant is gone, asks for a new sign-in (redirectToAuthorization).
 */
class MemoryOAuthProvider implements OAuthClientProvider {
  registered?: StoredOAuthClientInformation;
  current?: StoredOAuthTokens;
  verifier?: string;
  discovery?: OAuthDiscoveryState;
  lastState?: string;
  readonly authorizationUrls: URL[] = [];
  readonly invalidated: string[] = [];

  constructor(
    private readonly redirect: string,
    private readonly name: string,
  ) {}

  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }
  clientInformation() {
    return this.registered;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.registered = info;
  }
  tokens() {
    return this.current;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.current = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'tokens') this.current = undefined;
    if (scope === 'all' || scope === 'client') this.registered = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}

/**
 * Issue 14: the official TypeScript client (@modelcontextprotocol/client) gets its token through
 * the real flow — the 401 challenge, discovery, dynamic registration, authorization with PKCE,
 * the sign-in and consent pages driven in headless Chromium, the redirect to a loopback
 * redirect URI (RFC 8252), the code exchange — then lists and calls every tool as the person,
 * refreshes, and after revocation gets 401 again.
 */
describe('OAuth with the official client, the consent given in Chromium', () => {
  let t: TestApp;
  let base: string;
  let mcpUrl: URL;
  let devis: Json;
  let browser: Browser;
  let callbackServer: Server;
  let redirectUri: string;
  /** Every request Chromium made to the loopback redirect URI. */
  const callbacks: string[] = [];
  /** Every HTTP exchange the SDK made (MCP and OAuth), as "METHOD /path status". */
  const traffic: string[] = [];
  const pageErrors: string[] = [];
  const clients: Client[] = [];
  const alice = { email: 'alice@test.passerelle', password: 'alice-password-123456' };
  const CLIENT_NAME = 'Assistant Chromium e2e';

  const recordingFetch: FetchLike = async (url, init) => {
    const res = await fetch(url, init);
    traffic.push(`${init?.method ?? 'GET'} ${new URL(String(url)).pathname} ${res.status}`);
    return res;
  };
  const newTransport = (provider: OAuthClientProvider) =>
    new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch });
  const newClient = () => {
    const client = new Client(
      { name: 'oauth-browser-e2e', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    clients.push(client);
    return client;
  };
  const count = async (sql: string) =>
    Number((await query<{ n: string }>(t, `SELECT count(*) AS n FROM ${sql}`))[0].n);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    mcpUrl = new URL(`${base}/mcp`);
    t = await startTestApp({ listen: true, port, env: { APP_URL: base } });
    await t.get(UsersService).create({ ...alice, role: 'user', name: 'Alice Martin' });
    const staff = (await loginAs(t, 'staff')).token;
    devis = (await t.http().post('/api/devis').set(bearer(staff)).send(devisBody()).expect(201))
      .body;

    // The assistant's loopback redirect URI: what Chromium lands on at the end of the flow.
    const callbackPort = await freePort();
    redirectUri = `http://127.0.0.1:${callbackPort}/callback`;
    callbackServer = createServer((req, res) => {
      callbacks.push(new URL(req.url ?? '/', redirectUri).href);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Assistant</title><p>You can close this window.</p>');
    });
    await new Promise<void>((resolve) => callbackServer.listen(callbackPort, '127.0.0.1', resolve));

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await new Promise((resolve) =>
      callbackServer ? callbackServer.close(resolve) : resolve(null),
    );
    await t?.close();
  });

  /** A fresh browser profile (no cookies) in that language, its page errors collected. */
  async function openPage(locale: 'fr-FR' | 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 800, height: 640 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Failed loads are judged by their response below (the absent favicon is fine); any other
    // console error (a CSP violation, say) is one.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text()))
        pageErrors.push(msg.text());
    });
    page.on('response', (res) => {
      if (res.status() >= 400 && new URL(res.url()).pathname !== '/favicon.ico')
        pageErrors.push(`${res.status()} ${res.url()}`);
    });
    return page;
  }

  /** Clicks a button that ends the front channel and returns where Chromium landed. */
  async function clickToRedirect(page: Page, button: string): Promise<URL> {
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(redirectUri)),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    const landed = page.url();
    expect(callbacks).toContain(landed); // Chromium really reached the loopback server
    return new URL(landed);
  }

  async function signInPage(page: Page, authorizationUrl: URL) {
    await page.goto(authorizationUrl.href);
    expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/interaction\/[\w-]+$/);
    await page.waitForSelector('input[name="email"]');
  }

  describe('a person allows the assistant', () => {
    let provider: MemoryOAuthProvider;
    let transport: StreamableHTTPClientTransport;
    let authorizationUrl: URL;
    let callback: URL;

    beforeAll(() => {
      provider = new MemoryOAuthProvider(redirectUri, CLIENT_NAME);
    });

    it('the client discovers the server from the 401, registers itself and builds a PKCE request', async () => {
      transport = newTransport(provider);
      await expect(newClient().connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);

      expect(traffic).toEqual([
        'POST /mcp 401',
        'GET /.well-known/oauth-protected-resource/mcp 200',
        'GET /.well-known/oauth-authorization-server 200',
        'POST /oauth/register 201',
      ]);
      expect(provider.registered).toMatchObject({
        client_id: expect.any(String),
        client_name: CLIENT_NAME,
        redirect_uris: [redirectUri],
        issuer: base,
      });
      expect(provider.authorizationUrls).toHaveLength(1);
      authorizationUrl = provider.authorizationUrls[0];
      expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(
        `${base}/oauth/authorize`,
      );
      const params = Object.fromEntries(authorizationUrl.searchParams);
      expect(params).toMatchObject({
        response_type: 'code',
        client_id: provider.registered!.client_id,
        redirect_uri: redirectUri,
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        code_challenge_method: 'S256',
        state: provider.lastState,
        resource: `${base}/mcp`,
      });
      // The scopes of the 401 challenge, plus offline_access (the SDK asks for it when the
      // server lists it and the client registered the refresh_token grant).
      expect(params.scope).toBe(
        'quotes:read analyses:write timesheets:read timesheets:write offline_access',
      );
      expect(provider.verifier).toMatch(/^[\w.~-]{43,128}$/);
      expect(provider.current).toBeUndefined();
    });

    it('signs in and allows in Chromium (French pages); the redirect carries code, state and iss', async () => {
      const page = await openPage('fr-FR');
      await signInPage(page, authorizationUrl);
      expect(await page.textContent('h1')).toBe('Connexion à Passerelle');
      expect(await page.textContent('main')).toContain(CLIENT_NAME);
      // The page's language switch, there and back.
      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL(/\?lang=en$/);
      expect(await page.textContent('h1')).toBe('Sign in to Passerelle');
      await page.getByRole('link', { name: 'Français' }).click();
      await page.waitForURL(/\?lang=fr$/);
      expect(await page.textContent('h1')).toBe('Connexion à Passerelle');

      await page.fill('input[name="email"]', alice.email);
      await page.fill('input[name="password"]', alice.password);
      await Promise.all([
        page.waitForURL(/\/oauth\/interaction\/[\w-]+$/),
        page.getByRole('button', { name: 'Se connecter', exact: true }).click(),
      ]);

      await page.getByRole('button', { name: 'Autoriser', exact: true }).waitFor();
      expect(await page.textContent('h1')).toBe('Autoriser l’accès');
      expect(await page.textContent('main')).toContain(
        `${CLIENT_NAME} demande à agir en votre nom`,
      );
      expect(await page.textContent('main')).toContain(alice.email);
      expect(
        await page.$$eval('li[data-scope]', (items) => items.map((li) => li.dataset.scope)),
      ).toEqual(['quotes:read', 'analyses:write', 'timesheets:read', 'timesheets:write']);
      await page.screenshot({ path: join(SCREENSHOTS, 'oauth-consent-fr.png'), fullPage: true });

      callback = await clickToRedirect(page, 'Autoriser');
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('iss')).toBe(base);
      expect(callback.searchParams.get('state')).toBe(provider.lastState);
      expect(callback.searchParams.get('code')).toMatch(/\S{20,}/);
      expect(callback.searchParams.get('error')).toBeNull();
      expect(await page.textContent('p')).toBe('You can close this window.');
      expect(pageErrors).toEqual([]);
      await page.context().close();
    });

    it('finishAuth redeems the code; the client lists and calls every tool as the person', async () => {
      traffic.length = 0;
      await transport.finishAuth(
        callback.searchParams.get('code')!,
        callback.searchParams.get('iss')!,
      );
      expect(traffic).toEqual(['POST /oauth/token 200']);
      expect(provider.current).toMatchObject({
        token_type: 'Bearer',
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        // offline_access (added by the SDK) is an OpenID scope: without openid it is dropped.
        scope: 'quotes:read analyses:write timesheets:read timesheets:write',
        issuer: base,
      });
      expect(provider.current!.expires_in).toBeGreaterThan(0);

      // A transport whose connect failed is spent (start() refuses a second run): the next
      // connection takes a new one on the same provider, which holds the tokens.
      transport = newTransport(provider);
      const client = newClient();
      await client.connect(transport);
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name).sort()).toEqual(TOOLS);

      const status = (await client.callTool({
        name: 'getConnectionStatus',
        arguments: {},
      })) as Json;
      expect(status.isError).toBeFalsy();
      expect(status.structuredContent).toMatchObject({
        name: `Alice Martin via ${CLIENT_NAME}`,
        keyPrefix: 'oauth',
      });

      const found = (await client.callTool({
        name: 'findDevisByReference',
        arguments: { reference: devis.reference },
      })) as Json;
      expect(found.structuredContent).toMatchObject({ id: devis.id, reference: devis.reference });

      const got = (await client.callTool({
        name: 'getDevis',
        arguments: { id: devis.reference, linesLimit: 2 },
      })) as Json;
      expect(got.isError).toBeFalsy();
      expect(got.structuredContent).toMatchObject({ id: devis.id, hasMoreLines: true });
      expect(got.structuredContent.lines).toHaveLength(2);

      const created = (await client.callTool({
        name: 'createAnalysis',
        arguments: { ...analysisBody(devis.id), idempotencyKey: 'chromium-1' },
      })) as Json;
      expect(created.isError).toBeFalsy();
      expect(created.structuredContent).toMatchObject({ devisId: devis.id, gptScore: 72 });

      const listed = (await client.callTool({
        name: 'listDevisAnalyses',
        arguments: { id: devis.id },
      })) as Json;
      expect(listed.structuredContent.devisReference).toBe(devis.reference);
      expect(listed.structuredContent.analyses.map((a: Json) => a.id)).toContain(
        created.structuredContent.id,
      );

      const [row] = await query<Json>(
        t,
        `SELECT a.api_key_id, u.email, a.oauth_client_id
           FROM gpt_analyses a JOIN users u ON u.id = a.user_id WHERE a.id = $1`,
        [created.structuredContent.id],
      );
      expect(row).toEqual({
        api_key_id: null,
        email: alice.email,
        oauth_client_id: provider.registered!.client_id,
      });
      // server/discover, tools/list and five tools/call, each answered at once: not one 401.
      expect(traffic.slice(1)).toEqual(Array(7).fill('POST /mcp 200'));
    });

    it('refreshes with the client’s own auth(): a new pair, the refresh token rotated', async () => {
      const before = provider.current!;
      traffic.length = 0;
      expect(await auth(provider, { serverUrl: mcpUrl, fetchFn: recordingFetch })).toBe(
        'AUTHORIZED',
      );
      expect(traffic).toEqual(['POST /oauth/token 200']); // discovery state was kept
      expect(provider.authorizationUrls).toHaveLength(1); // no new sign-in was needed
      const after = provider.current!;
      expect(after.access_token).not.toBe(before.access_token);
      expect(after.refresh_token).toEqual(expect.any(String));
      expect(after.refresh_token).not.toBe(before.refresh_token);

      const client = clients.at(-1)!;
      const status = (await client.callTool({
        name: 'getConnectionStatus',
        arguments: {},
      })) as Json;
      expect(status.structuredContent.name).toBe(`Alice Martin via ${CLIENT_NAME}`);
    });

    it('after POST /oauth/revoke of the refresh token the next tool call fails with 401', async () => {
      const { access_token, refresh_token } = provider.current!;
      const revoked = await fetch(`${base}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: refresh_token!,
          token_type_hint: 'refresh_token',
          client_id: provider.registered!.client_id,
        }).toString(),
      });
      expect(revoked.status).toBe(200);

      traffic.length = 0;
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      const client = clients.at(-1)!;
      await expect(
        client.callTool({ name: 'getConnectionStatus', arguments: {} }),
      ).rejects.toBeInstanceOf(UnauthorizedError);
      // The 401 (the access token died with its grant), a refresh the server refuses, and the
      // client falls back to asking the person to sign in again.
      expect(traffic).toEqual(['POST /mcp 401', 'POST /oauth/token 400']);
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringContaining('"invalid_grant"'),
      ]);
      warn.mockRestore();
      expect(provider.invalidated).toEqual(['tokens']);
      expect(provider.current).toBeUndefined();
      expect(provider.authorizationUrls).toHaveLength(2);

      const raw = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          ...bearer(access_token),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(raw.status).toBe(401);
      expect(raw.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });
  });

  it('a person who clicks "Deny" sends error=access_denied to the redirect URI, and no tokens', async () => {
    const provider = new MemoryOAuthProvider(redirectUri, CLIENT_NAME);
    const transport = newTransport(provider);
    await expect(newClient().connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    const [authorizationUrl] = provider.authorizationUrls;
    const grants = () =>
      count(`oauth_models WHERE model IN ('Grant', 'AccessToken', 'RefreshToken')`);
    const before = await grants();

    // A browser that prefers English (Accept-Language) gets the English pages.
    const page = await openPage('en-US');
    await signInPage(page, authorizationUrl);
    expect(await page.textContent('h1')).toBe('Sign in to Passerelle');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.screenshot({ path: join(SCREENSHOTS, 'oauth-sign-in-en.png'), fullPage: true });
    await page.fill('input[name="email"]', alice.email);
    await page.fill('input[name="password"]', alice.password);
    await Promise.all([
      page.waitForURL(/\/oauth\/interaction\/[\w-]+$/),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    expect(await page.textContent('h1')).toBe('Allow access');
    const callback = await clickToRedirect(page, 'Deny');
    await page.context().close();

    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('state')).toBe(provider.lastState);
    expect(callback.searchParams.get('iss')).toBe(base);
    // finishAuth with the whole callback checks iss, then raises the server's error.
    const failure = await transport.finishAuth(callback.searchParams).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OAuthError);
    expect((failure as OAuthError).code).toBe('access_denied');
    expect(provider.current).toBeUndefined();
    expect(await grants()).toBe(before);
    expect(pageErrors).toEqual([]);
  });
});
