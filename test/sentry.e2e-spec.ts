import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { bearer, createGptKey, mistype, query, sleep, startTestApp } from './support/test-app';

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

describe('Error reporting to Sentry (SENTRY_DSN)', () => {
  let sentry: FakeSentry;

  beforeAll(async () => {
    sentry = await new FakeSentry().start();
  });
  afterAll(() => sentry?.close());
  beforeEach(() => sentry.reset());

  it('is off without SENTRY_DSN: nothing is sent, and errors keep their usual answer', async () => {
    const t = await startTestApp({ env: { SENTRY_DSN: undefined } });
    try {
      await query(t, 'ALTER TABLE users RENAME TO users_gone');
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ email: 'someone@test.passerelle', password: PASSWORD })
        .expect(500);
      expect(res.body).toMatchObject({
        code: 'INTERNAL',
        message: 'Internal server error',
        requestId: expect.any(String),
      });
      await t.http().get('/health/live').expect(200);
    } finally {
      await t.close();
    }
    expect(sentry.requests).toBe(0);
  });

  it('reports unexpected errors with request id, method and route, and no secret', async () => {
    const t = await startTestApp({ env: { SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'e2e' } });
    let devisError: { requestId: string };
    let loginError: { requestId: string };
    let gptKey: string;
    try {
      gptKey = (await createGptKey(t)).plaintext;
      // Caller mistakes (4xx) are answered, not reported.
      await t.http().get('/api/no-such-route').expect(404);
      await t.http().post('/api/auth/login').send({ email: 'not-an-email' }).expect(400);
      await t
        .http()
        .get('/api/gpt/devis/DEV-1')
        .set(bearer(mistype(gptKey)))
        .expect(401);

      // Real internal errors: the tables behind two routes are gone.
      await query(t, 'ALTER TABLE devis RENAME TO devis_gone');
      await query(t, 'ALTER TABLE users RENAME TO users_gone');
      devisError = (
        await t
          .http()
          .get(`/api/gpt/devis/DEV-2025-0042/analyses?api_key=${PROVIDER_KEY}`)
          .set(bearer(gptKey))
          .expect(500)
      ).body;
      loginError = (
        await t
          .http()
          .post(`/api/auth/login?token=${gptKey}`)
          .set(bearer(gptKey))
          .set('Cookie', `connect.sid=${COOKIE_VALUE}`)
          .send({ email: 'someone@test.passerelle', password: PASSWORD })
          .expect(500)
      ).body;
      await sentry.waitForEvents(2);
    } finally {
      await t.close(); // flushes anything still queued
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
