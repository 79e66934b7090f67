import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { freePort, SpawnedServer, startServer, waitUntilReady } from './support/spawn';
import { mistype, sleep } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const PROJECT_ID = '4242';
const PUBLIC_KEY = 'e2epublickey';
const PASSWORD = 'correct-horse-battery-staple-42';
const PROVIDER_KEY = 'sk-proj-e2eProviderKey0123456789';
const COOKIE_VALUE = 's%3Ae2e-session-cookie-value';

interface EnvelopeItem {
  header: { type: string; length?: number };
  payload: Buffer;
}

interface Envelope {
  path: string;
  /** The decoded body as sent: what Sentry would store. */
  raw: string;
  items: EnvelopeItem[];
}

/** Sentry event fields the assertions read. */
interface SentryEvent {
  environment?: string;
  level?: string;
  transaction?: string;
  tags?: Record<string, string>;
  exception?: { values?: { type?: string; value?: string }[] };
  request?: { method?: string; url?: string; headers?: Record<string, string> };
}

/**
 * A loopback Sentry ingest: POST /api/<project>/envelope/, a body of newline-separated JSON
 * (envelope header, then item header + payload pairs; a `length` in the item header counts
 * the payload's bytes), gzip/deflate/br encoded when the SDK compresses it.
 */
class FakeSentry {
  readonly envelopes: Envelope[] = [];
  requests = 0;
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const body = decode(Buffer.concat(chunks), req);
        this.envelopes.push({
          path: req.url ?? '',
          raw: body.toString('utf8'),
          items: items(body),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get dsn(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://${PUBLIC_KEY}@127.0.0.1:${port}/${PROJECT_ID}`;
  }

  events(): SentryEvent[] {
    return this.envelopes.flatMap((e) =>
      e.items
        .filter((i) => i.header.type === 'event')
        .map((i) => JSON.parse(i.payload.toString('utf8')) as SentryEvent),
    );
  }

  async waitForEvents(count: number, timeoutMs = 10_000): Promise<SentryEvent[]> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
      if (this.events().length >= count) return this.events();
    }
    throw new Error(`expected ${count} Sentry events, got ${this.events().length}`);
  }

  reset() {
    this.envelopes.length = 0;
    this.requests = 0;
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function decode(body: Buffer, req: IncomingMessage): Buffer {
  switch (req.headers['content-encoding']) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

function items(body: Buffer): EnvelopeItem[] {
  let offset = 0;
  const line = () => {
    const nl = body.indexOf(0x0a, offset);
    const end = nl === -1 ? body.length : nl;
    const out = body.subarray(offset, end);
    offset = end + 1;
    return out;
  };
  line(); // envelope header
  const out: EnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = line();
    if (headerLine.length === 0) continue;
    const header = JSON.parse(headerLine.toString('utf8')) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof header.length === 'number') {
      payload = body.subarray(offset, offset + header.length);
      offset += header.length + 1;
    } else {
      payload = line();
    }
    out.push({ header, payload });
  }
  return out;
}

/**
 * The real built server (`dist/src/main.js`) in its own process: the Sentry SDK instruments the
 * process it starts in, which must not be a jest worker that later runs other suites.
 */
describe('Error reporting to Sentry (SENTRY_DSN)', () => {
  const ADMIN = { email: 'admin@test.passerelle', password: 'sentry-admin-password-123' };
  let sentry: FakeSentry;

  beforeAll(async () => {
    sentry = await new FakeSentry().start();
  });
  afterAll(() => sentry?.close());
  beforeEach(() => sentry.reset());

  /** A server on a fresh database; `stop()` sends SIGTERM (Sentry flushes) and waits. */
  async function start(vars: Record<string, string>) {
    const db: TestDatabase = await createTestDatabase();
    const server: SpawnedServer = startServer(
      {
        ...db.env,
        ENCRYPTION_KEY: 'sentry-test-encryption-key-0123456789abcdef',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        ...vars,
      },
      await freePort(),
    );
    await waitUntilReady(server);
    const sql = await db.connect();
    const http = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
    return {
      http,
      sql: (text: string) => sql.query(text),
      stop: async () => {
        await sql.end();
        if (server.child.exitCode === null) server.child.kill('SIGTERM');
        await server.exited;
        await db.drop();
      },
      kill: async () => {
        await sql.end().catch(() => undefined);
        await server.kill();
        await db.drop();
      },
    };
  }
  const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

  it('is off without SENTRY_DSN: nothing is sent, and errors keep their usual answer', async () => {
    const s = await start({});
    try {
      await s.sql('ALTER TABLE users RENAME TO users_gone');
      const res = await s.http(
        '/api/auth/login',
        json({ email: 'someone@test.passerelle', password: PASSWORD }),
      );
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({
        code: 'INTERNAL',
        message: 'Internal server error',
        requestId: expect.any(String),
      });
      expect((await s.http('/health/live')).status).toBe(200);
      await s.stop();
    } catch (err) {
      await s.kill();
      throw err;
    }
    await sleep(200);
    expect(sentry.requests).toBe(0);
  }, 120_000);

  it('reports unexpected errors with request id, method and route, and no secret', async () => {
    const s = await start({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'e2e' });
    let devisError: { requestId: string };
    let loginError: { requestId: string };
    let gptKey: string;
    try {
      const admin = String(
        ((await (await s.http('/api/auth/login', json(ADMIN))).json()) as { token: string }).token,
      );
      const created = await s.http(
        '/api/admin/gpt-keys',
        json({ name: 'Sentry test' }, { Authorization: `Bearer ${admin}` }),
      );
      gptKey = String(((await created.json()) as { key: string }).key);
      expect(gptKey).toMatch(/^torp_gpt_/);
      // Caller mistakes (4xx) are answered, not reported.
      expect((await s.http('/api/no-such-route')).status).toBe(404);
      expect((await s.http('/api/auth/login', json({ email: 'not-an-email' }))).status).toBe(400);
      const typo = await s.http('/api/gpt/devis/DEV-1', {
        headers: { Authorization: `Bearer ${mistype(gptKey)}` },
      });
      expect(typo.status).toBe(401);

      // Real internal errors: the tables behind two routes are gone.
      await s.sql('ALTER TABLE devis RENAME TO devis_gone');
      await s.sql('ALTER TABLE users RENAME TO users_gone');
      const devisRes = await s.http(
        `/api/gpt/devis/DEV-2025-0042/analyses?api_key=${PROVIDER_KEY}`,
        {
          headers: { Authorization: `Bearer ${gptKey}` },
        },
      );
      expect(devisRes.status).toBe(500);
      devisError = (await devisRes.json()) as { requestId: string };
      const loginRes = await s.http(
        `/api/auth/login?token=${gptKey}`,
        json(
          { email: 'someone@test.passerelle', password: PASSWORD },
          { Authorization: `Bearer ${gptKey}`, Cookie: `connect.sid=${COOKIE_VALUE}` },
        ),
      );
      expect(loginRes.status).toBe(500);
      loginError = (await loginRes.json()) as { requestId: string };
      await sentry.waitForEvents(2);
      await s.stop(); // SIGTERM: flushes anything still queued
    } catch (err) {
      await s.kill();
      throw err;
    }

    const events = sentry.events();
    expect(events).toHaveLength(2); // the three 4xx never left
    const byRequest = new Map(events.map((e) => [e.tags?.request_id, e]));
    const devis = byRequest.get(devisError.requestId);
    const login = byRequest.get(loginError.requestId);
    expect(devis?.tags).toMatchObject({ method: 'GET', route: '/api/gpt/devis/:id/analyses' });
    expect(devis?.transaction).toBe('GET /api/gpt/devis/:id/analyses'); // grouped by route, not id
    expect(login?.tags).toMatchObject({ method: 'POST', route: '/api/auth/login' });
    for (const [event, table] of [
      [devis, 'devis'],
      [login, 'users'],
    ] as const) {
      expect(event).toMatchObject({ environment: 'e2e', level: 'error' });
      expect(event?.exception?.values?.at(-1)).toMatchObject({
        type: 'QueryFailedError',
        value: expect.stringContaining(`"${table}"`),
      });
      expect(event?.request?.url).not.toContain('?');
      expect(Object.keys(event?.request?.headers ?? {}).map((h) => h.toLowerCase())).not.toEqual(
        expect.arrayContaining(['authorization']),
      );
    }

    for (const envelope of sentry.envelopes) {
      expect(envelope.path).toMatch(new RegExp(`^/api/${PROJECT_ID}/envelope/`));
      expect(envelope.path).toContain(`sentry_key=${PUBLIC_KEY}`);
      for (const secret of [gptKey, PASSWORD, PROVIDER_KEY, COOKIE_VALUE, 'e2e-session-cookie']) {
        expect(envelope.raw).not.toContain(secret);
      }
      expect(envelope.raw).not.toMatch(/"(authorization|cookie)"\s*:/i);
    }
  });
});
