import { createHash, randomBytes } from 'node:crypto';

/**
 * An OAuth 2.1 client as an assistant is one, over plain HTTP: dynamic registration, an
 * authorization request with PKCE S256, the sign-in and consent forms posted as a browser
 * would (cookies kept, redirects followed by hand), and the token endpoint.
 */
export interface RegisteredClient {
  client_id: string;
  client_name?: string;
  redirect_uris: string[];
}

export const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

export async function register(
  base: string,
  metadata: Record<string, unknown> = {},
): Promise<{ status: number; body: RegisteredClient & Record<string, unknown> }> {
  const res = await fetch(`${base}/oauth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Assistant e2e',
      redirect_uris: ['http://127.0.0.1:9/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...metadata,
    }),
  });
  return {
    status: res.status,
    body: (await res.json()) as RegisteredClient & Record<string, unknown>,
  };
}

export class Browser {
  private readonly jar = new Map<string, string>();
  constructor(private readonly base: string) {}

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.base).href;
    const res = await fetch(target, {
      redirect: 'manual',
      ...init,
      headers: { cookie: this.cookies(), ...(init.headers as Record<string, string>) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }

  post(url: string, form: Record<string, string>) {
    return this.go(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private cookies() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export const location = (res: Response) => {
  const value = res.headers.get('location');
  if (!value) throw new Error(`expected a redirect, got ${res.status}`);
  return value;
};

export interface AuthorizeOptions {
  client: RegisteredClient;
  challenge: string;
  email: string;
  password: string;
  scope?: string;
  resource?: string;
  consent?: 'allow' | 'deny';
  redirectUri?: string;
  browser?: Browser;
}

/** Runs the front channel to the client's redirect URI: the URL the assistant gets back. */
export async function authorize(base: string, o: AuthorizeOptions): Promise<URL> {
  const browser = o.browser ?? new Browser(base);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: o.client.client_id,
    redirect_uri: o.redirectUri ?? o.client.redirect_uris[0],
    code_challenge: o.challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    resource: o.resource ?? `${base}/mcp`,
  };
  if (o.scope !== undefined) params.scope = o.scope;
  let res = await browser.go(`/oauth/authorize?${new URLSearchParams(params)}`);
  for (let step = 0; step < 10; step++) {
    const next = new URL(location(res), base);
    if (next.origin !== new URL(base).origin) return next;
    res = await browser.go(next.href);
    if (res.status === 200 && next.pathname.startsWith('/oauth/interaction/')) {
      const page = await res.text();
      res = page.includes('name="password"')
        ? await browser.post(`${next.pathname}/login`, { email: o.email, password: o.password })
        : await browser.post(`${next.pathname}/${o.consent === 'deny' ? 'abort' : 'confirm'}`, {});
      if (res.status >= 400) throw new Error(`${next.pathname}: ${res.status} ${await res.text()}`);
    }
  }
  throw new Error('too many redirects');
}

export async function token(base: string, form: Record<string, string>) {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** The whole dance for one person: a fresh client, PKCE, consent allowed, tokens. */
export async function signIn(
  base: string,
  person: { email: string; password: string },
  options: { scope?: string; client?: RegisteredClient } = {},
) {
  const client = options.client ?? (await register(base)).body;
  const { verifier, challenge } = pkce();
  const callback = await authorize(base, { client, challenge, ...person, scope: options.scope });
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.href}`);
  const tokens = await token(base, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirect_uris[0],
    client_id: client.client_id,
    code_verifier: verifier,
    resource: `${base}/mcp`,
  });
  if (tokens.status !== 200) throw new Error(JSON.stringify(tokens.body));
  return { client, callback, tokens: tokens.body };
}

/** A JSON-RPC `ping` to /mcp with an access token: 200 while it is valid, 401 once not. */
export const pingMcp = (base: string, accessToken: string) =>
  fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${accessToken}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
