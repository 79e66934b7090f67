import { execFile } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { FakeLlmProviders, fakeReply, type FakeProvider } from './support/fake-llm-providers';
import { ROOT } from './support/paths';
import {
  childEnv,
  freePort,
  runCli,
  SpawnedServer,
  startServer,
  waitFor,
  waitUntilReady,
} from './support/spawn';
import { createTestDatabase, TestDatabase } from './support/test-database';

const GRACE_MS = 10_000;
const MCP_CALL = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'getConnectionStatus', arguments: {} },
};
const KEY = /torp_gpt_[A-Za-z0-9]{64}/;
/** How long the provider keeps the LLM calls that are in flight at SIGTERM waiting. */
const PROVIDER_DELAY_MS = 3_000;
const LLM_USER = { email: 'llm-user@test.passerelle', password: 'llm-user-password-123456' };
const PROVIDER_KEYS: Partial<Record<FakeProvider, string>> = {
  openai: 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(3),
  anthropic: 'sk-ant-api03-' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt'.repeat(3),
};

/** What happened to one request, seen from the client. */
type Outcome =
  | { kind: 'ok'; status: number; body: string }
  | { kind: 'error-status'; status: number; body: string }
  /** Connection refused: the server had stopped listening. Not served, and fine. */
  | { kind: 'refused' }
  /**
   * The connection closed before any response byte (an idle keep-alive connection closed
   * by the drain as the next request was sent): the server never read it. Not served.
   */
  | { kind: 'closed-before-response'; error: string }
  /** Headers arrived, then the connection broke: an accepted request was cut. Never fine. */
  | { kind: 'cut-mid-response'; status: number; error: string };

interface RequestOptions {
  agent?: Agent | false;
  headers?: Record<string, string>;
  /** Sent as JSON with POST. */
  json?: unknown;
  /** Each body chunk as it arrives. */
  onData?: (chunk: string) => void;
}

function request(url: string, { agent = false, headers = {}, json, onData }: RequestOptions = {}) {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const payload = json === undefined ? undefined : JSON.stringify(json);
    const req = httpRequest(
      url,
      {
        method: payload === undefined ? 'GET' : 'POST',
        agent,
        headers:
          payload === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        timeout: 15_000,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          onData?.(chunk);
        });
        res.on('error', (err) => done({ kind: 'cut-mid-response', status, error: err.message }));
        res.on('close', () => {
          if (!res.complete) done({ kind: 'cut-mid-response', status, error: 'incomplete body' });
          else done({ kind: status >= 200 && status < 300 ? 'ok' : 'error-status', status, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done({ kind: 'refused' });
      else done({ kind: 'closed-before-response', error: `${err.code ?? ''} ${err.message}` });
    });
    req.end(payload);
  });
}

/** One POST /api/llm/chat as the client saw it. */
interface LlmCall {
  provider: FakeProvider;
  stream: boolean;
  outcome: Outcome;
  /**
   * Set only when the call got its complete answer: the whole reply in a 200 JSON body, or
   * a 200 stream whose deltas add up to the whole reply and that ends with its `done` event.
   */
  conversationId: string | null;
}

/** `data: {...}` events of an SSE body. */
const sseEvents = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice(6)) as { type: string; [k: string]: unknown });

function answeredInFull(provider: FakeProvider, stream: boolean, o: Outcome): string | null {
  if (o.kind !== 'ok') return null;
  if (!stream) {
    const { data } = JSON.parse(o.body) as { data: { response: string; conversationId: string } };
    return data.response === fakeReply(provider) ? data.conversationId : null;
  }
  const events = sseEvents(o.body);
  const last = events.at(-1);
  const text = events.map((e) => (e.type === 'delta' ? (e.text as string) : '')).join('');
  return last?.type === 'done' && text === fakeReply(provider)
    ? (last.conversationId as string)
    : null;
}

async function llmChat(
  baseUrl: string,
  token: string,
  call: { provider: FakeProvider; stream: boolean; message: string },
  options: Omit<RequestOptions, 'headers' | 'json'> = {},
): Promise<LlmCall> {
  const { provider, stream, message } = call;
  const outcome = await request(`${baseUrl}/api/llm/chat`, {
    ...options,
    headers: { Authorization: `Bearer ${token}` },
    json: { provider, message, stream },
  });
  return { provider, stream, outcome, conversationId: answeredInFull(provider, stream, outcome) };
}

/** A stable order for flat objects, whatever the order of their keys. */
const byJson = (a: object, b: object) =>
  JSON.stringify(a, Object.keys(a).sort()).localeCompare(JSON.stringify(b, Object.keys(b).sort()));

/**
 * Each query's rows, read directly from a stopped server's database: PostgreSQL, or the
 * embedded data directory, opened in a child process (PGlite needs ESM loading, which jest
 * only has with --experimental-vm-modules).
 */
async function queryStopped(db: TestDatabase, queries: string[]): Promise<Row[][]> {
  if (db.kind === 'postgres') {
    const client = new Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();
    try {
      const out: Row[][] = [];
      for (const sql of queries) out.push((await client.query<Row>(sql)).rows);
      return out;
    } finally {
      await client.end();
    }
  }
  const script = `
    const { PGlite } = require('@electric-sql/pglite');
    (async () => {
      const db = await PGlite.create(process.argv[1]);
      const out = [];
      for (const sql of JSON.parse(process.argv[2])) out.push((await db.query(sql)).rows);
      await db.close();
      process.stdout.write(JSON.stringify(out));
    })();`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-e', script, join(db.env.DATA_DIR, 'pglite'), JSON.stringify(queries)],
    { cwd: ROOT, env: childEnv({}), timeout: 30_000 },
  );
  return JSON.parse(stdout) as Row[][];
}
type Row = Record<string, unknown>;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A keep-alive HTTP/1.1 client on a bare socket, so a test can leave a request half sent
 * (in flight) across the SIGTERM, then finish it and keep the connection busy as a proxy would.
 */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: () => void = () => undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined); // surfaces as 'close'
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string) {
    this.socket.write(text);
  }

  /** The next response, or how the connection ended without one. */
  async read(timeoutMs = 15_000): Promise<Outcome & { headers?: Record<string, string> }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = this.parse();
      if (res) {
        const kind = res.status === 200 ? 'ok' : 'error-status';
        return { kind, status: res.status, body: res.body, headers: res.headers };
      }
      if (this.ended) {
        return this.buffer.length > 0
          ? { kind: 'cut-mid-response', status: 0, error: 'connection closed mid-response' }
          : { kind: 'closed-before-response', error: 'connection closed' };
      }
      if (Date.now() > deadline) throw new Error('no response in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  get open() {
    return !this.ended;
  }

  destroy() {
    this.socket.destroy();
  }

  private parse(): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [
        l.slice(0, l.indexOf(':')).toLowerCase(),
        l.slice(l.indexOf(':') + 1).trim(),
      ]),
    );
    if (headers['transfer-encoding']) throw new Error('chunked responses are not supported here');
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return null;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}

describe('Graceful shutdown of the real server (SIGTERM under load)', () => {
  let db: TestDatabase;
  let server: SpawnedServer;
  let port: number;
  let env: Record<string, string>;
  let key: string;
  /** 200 responses received for `key`, all tests together. */
  let served = 0;
  let toolCallsServed = 0;
  const fake = new FakeLlmProviders();
  /** The LLM user's session token and provider key ids. */
  let llmToken: string;
  const keyIds: Partial<Record<FakeProvider, string>> = {};
  /** Every POST /api/llm/chat sent, all tests together. */
  const llmCalls: LlmCall[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await fake.start();
    env = {
      ...db.env,
      ...fake.env(),
      // One provider call per chat call, so the provider's call log matches the calls answered.
      LLM_MAX_RETRIES: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ENCRYPTION_KEY: 'shutdown-test-encryption-key-0123456789abcdef',
      ADMIN_EMAIL: 'admin@test.passerelle',
      ADMIN_PASSWORD: 'admin-password-123',
      // Counts reach the database only through the shutdown's own flush.
      GPT_USAGE_FLUSH_MS: '5000',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    };
    port = await freePort();
    server = startServer(env, port);
    await waitUntilReady(server);
  }, 90_000);

  afterAll(async () => {
    await server?.kill();
    await fake.close();
    await db?.drop();
  });

  it('a key created with the CLI while the server runs works on the server', async () => {
    const r = await runCli(env, ['gpt:create-key', 'Shutdown GPT', '100000']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    key = r.stdout.match(KEY)![0];
    const res = await request(`${server.url}/api/gpt/me`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res).toEqual(expect.objectContaining({ kind: 'ok', status: 200 }));
    served += 1;
  });

  it('a user created with the CLI adds provider keys and chats through them, plain and streamed', async () => {
    const r = await runCli(env, ['user:create', '--email', LLM_USER.email, '--role', 'user'], {
      input: `${LLM_USER.password}\n`,
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const login = await request(`${server.url}/api/auth/login`, { json: LLM_USER });
    expect(login).toEqual(expect.objectContaining({ kind: 'ok', status: 200 }));
    llmToken = (JSON.parse((login as { body: string }).body) as { token: string }).token;
    for (const provider of ['openai', 'anthropic'] as const) {
      const created = await request(`${server.url}/api/llm/keys`, {
        headers: { Authorization: `Bearer ${llmToken}` },
        json: { provider, name: `Shutdown ${provider}`, apiKey: PROVIDER_KEYS[provider] },
      });
      expect(created).toEqual(expect.objectContaining({ kind: 'ok', status: 201 }));
      keyIds[provider] = (JSON.parse((created as { body: string }).body) as { id: string }).id;
    }
    for (const stream of [false, true]) {
      const call = await llmChat(server.url, llmToken, {
        provider: 'openai',
        stream,
        message: `first call, stream: ${stream}`,
      });
      llmCalls.push(call);
      expect(call.conversationId).toEqual(expect.any(String));
    }
  });

  it('SIGTERM mid-load: every accepted request gets a full 200, readiness turns 503, the process exits 0 within the grace period', async () => {
    const outcomes: Outcome[] = [];
    const mcp: Outcome[] = [];
    const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
    const deadline = Date.now() + 30_000;
    let exited = false;
    void server.exited.then(() => (exited = true));
    const running = () => !exited && Date.now() < deadline;

    const meUrl = `${server.url}/api/gpt/me`;
    const meRequest = `GET /api/gpt/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n`;
    const auth = { Authorization: `Bearer ${key}` };
    // Keep-alive clients (as a proxy's pool) plus one opening a connection per request.
    const agents: (Agent | false)[] = [1, 2, 3, 4].map(
      () => new Agent({ keepAlive: true, maxSockets: 1 }),
    );
    agents.push(false);
    const stragglers: RawConnection[] = [];
    let raceTimer: NodeJS.Timeout | undefined;
    // LLM chat load on the user's OpenAI key: plain and streamed calls, on keep-alive
    // connections and on a connection per call.
    const llm: LlmCall[] = [];
    const llmServed = (stream: boolean) =>
      llm.filter((c) => c.stream === stream && c.conversationId).length;
    const llmAgents = [1, 2].map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    let sent = 0;

    try {
      const loops = agents.map(async (agent) => {
        while (running()) {
          const o = await request(meUrl, { agent, headers: auth });
          outcomes.push(o);
          if (o.kind === 'refused') return; // no longer listening: nothing more to serve
        }
      });
      // An MCP client on the same key: one stateless tools/call per request.
      const mcpAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(mcpAgent);
      loops.push(
        (async () => {
          while (running()) {
            const o = await request(`${server.url}/mcp`, {
              agent: mcpAgent,
              headers: { ...auth, Accept: 'application/json, text/event-stream' },
              json: MCP_CALL,
            });
            mcp.push(o);
            if (o.kind === 'refused') return;
          }
        })(),
      );
      const llmLoops = [
        { agent: llmAgents[0], stream: () => false },
        { agent: llmAgents[1], stream: () => true },
        { agent: false as const, stream: () => sent % 2 === 0 },
      ].map(async ({ agent, stream }) => {
        while (running()) {
          const message = `load call ${++sent}`;
          const call = { provider: 'openai' as const, stream: stream(), message };
          const c = await llmChat(server.url, llmToken, call, { agent });
          llm.push(c);
          if (c.outcome.kind === 'refused') return;
        }
      });
      await waitFor(
        'load to be under way',
        async () =>
          count('ok') >= 150 && llmServed(false) >= 10 && llmServed(true) >= 10 ? true : undefined,
        { timeoutMs: 20_000, intervalMs: 20 },
      );

      // Two LLM calls in flight when SIGTERM arrives, on the user's Anthropic key (no load
      // there, so the delays below go to these calls): one waits for the provider's answer,
      // the other has streamed its first delta to the client and waits for the rest.
      const anthropicBefore = fake.callsTo('anthropic').length;
      fake.fail(
        'anthropic',
        { kind: 'slow', ms: PROVIDER_DELAY_MS },
        { kind: 'pause', afterDeltas: 1, ms: PROVIDER_DELAY_MS },
      );
      const inFlightPlain = llmChat(server.url, llmToken, {
        provider: 'anthropic',
        stream: false,
        message: 'in flight at SIGTERM, plain',
      });
      await waitFor(
        'the plain call to reach the provider',
        async () => (fake.callsTo('anthropic').length > anthropicBefore ? true : undefined),
        { intervalMs: 10 },
      );
      let firstDelta = false;
      const inFlightStream = llmChat(
        server.url,
        llmToken,
        { provider: 'anthropic', stream: true, message: 'in flight at SIGTERM, streamed' },
        { onData: (chunk) => (firstDelta ||= chunk.includes('"type":"delta"')) },
      );
      await waitFor('the first streamed delta', async () => (firstDelta ? true : undefined), {
        intervalMs: 10,
      });
      let inFlightSettled = false;
      void Promise.race([inFlightPlain, inFlightStream]).then(() => (inFlightSettled = true));

      // Two requests in flight when SIGTERM arrives: their first bytes are in, the rest is not.
      const me = await RawConnection.open(port);
      const ready = await RawConnection.open(port);
      stragglers.push(me, ready);
      me.write(meRequest);
      ready.write('GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((r) => setTimeout(r, 500)); // let the server read those bytes

      const okBeforeSignal = count('ok');
      expect(inFlightSettled).toBe(false); // else this run no longer tests in-flight calls
      const sigtermAt = Date.now();
      server.child.kill('SIGTERM');
      const exit = Promise.race([
        server.exited,
        new Promise<never>((_, reject) => {
          raceTimer = setTimeout(
            () => reject(new Error(`still running ${GRACE_MS + 5_000} ms after SIGTERM`)),
            GRACE_MS + 5_000,
          );
        }),
      ]);
      exit.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      // The listener closes first: from then on new connections are refused.
      await waitFor('new connections to be refused', async () => {
        const o = await request(`${server.url}/health/live`);
        return o.kind === 'refused' ? true : undefined;
      });

      // Readiness of a draining server: 503, so a load balancer stops sending traffic.
      ready.write('\r\n');
      const readiness = await ready.read();
      expect(readiness).toEqual(expect.objectContaining({ kind: 'error-status', status: 503 }));
      expect(JSON.parse((readiness as { body: string }).body).code).toBe('SERVICE_UNAVAILABLE');
      ready.destroy();

      // The in-flight GPT request is answered in full; then the client keeps its connection
      // busy, as a proxy's pool does, for as long as the server keeps it open.
      me.write('\r\n');
      const onStraggler: Outcome[] = [];
      for (;;) {
        const o = await me.read();
        onStraggler.push(o);
        outcomes.push(o);
        if (o.kind !== 'ok' || o.headers?.connection === 'close' || !me.open) break;
        if (Date.now() - sigtermAt > GRACE_MS + 2_000) break;
        me.write(`${meRequest}\r\n`);
      }
      const { code, signal, at } = await exit;
      await Promise.all([...loops, ...llmLoops]);
      const inFlight = await Promise.all([inFlightPlain, inFlightStream]);
      llm.push(...inFlight);

      const summary = {
        ok: count('ok'),
        okBeforeSignal,
        okOnStragglerAfterSignal: onStraggler.filter((o) => o.kind === 'ok').length,
        refused: count('refused'),
        closedBeforeResponse: count('closed-before-response'),
        exitMs: at - sigtermAt,
        llm: {
          plain: llmServed(false),
          streamed: llmServed(true),
          refused: llm.filter((c) => c.outcome.kind === 'refused').length,
          closedBeforeResponse: llm.filter((c) => c.outcome.kind === 'closed-before-response')
            .length,
        },
      };
      console.log('shutdown under load:', JSON.stringify(summary));

      expect(onStraggler[0]).toEqual(expect.objectContaining({ kind: 'ok', status: 200 }));
      // Tool calls too: each accepted one answered in full with its result.
      expect(mcp.filter((o) => o.kind === 'ok').length).toBeGreaterThan(0);
      expect(mcp.filter((o) => o.kind === 'error-status' || o.kind === 'cut-mid-response')).toEqual(
        [],
      );
      for (const o of mcp) {
        if (o.kind === 'ok') expect(o.body).toContain('"structuredContent":{"name":"Shutdown GPT"');
      }
      // No accepted request was answered with an error or cut mid-response.
      expect(outcomes.filter((o) => o.kind === 'error-status')).toEqual([]);
      expect(outcomes.filter((o) => o.kind === 'cut-mid-response')).toEqual([]);
      for (const o of outcomes) {
        if (o.kind === 'ok') expect(JSON.parse(o.body).name).toBe('Shutdown GPT');
      }
      // Every LLM call the server accepted was answered in full, in flight at SIGTERM or not;
      // the others were refused or never read (their connection closed before a response).
      expect(inFlight.map((c) => c.conversationId)).toEqual([
        expect.any(String),
        expect.any(String),
      ]);
      const notServed = llm.filter(
        (c) =>
          !c.conversationId &&
          c.outcome.kind !== 'refused' &&
          c.outcome.kind !== 'closed-before-response',
      );
      expect(notServed).toEqual([]);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(summary.exitMs).toBeLessThan(GRACE_MS);
    } catch (err) {
      (err as Error).message += `\n--- server output (tail) ---\n${server.output().slice(-4_000)}`;
      throw err;
    } finally {
      served += count('ok') + mcp.filter((o) => o.kind === 'ok').length;
      toolCallsServed += mcp.filter((o) => o.kind === 'ok').length;
      llmCalls.push(...llm);
      clearTimeout(raceTimer);
      for (const agent of [...agents, ...llmAgents]) if (agent) agent.destroy();
      for (const s of stragglers) s.destroy();
    }
  }, 60_000);

  it('after the exit, the CLI (now opening the database itself) shows every 200 counted', async () => {
    expect(server.child.exitCode).toBe(0);
    const r = await runCli(env, ['gpt:list-keys', '--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const row = (JSON.parse(r.stdout) as Record<string, unknown>[]).find(
      (k) => k.name === 'Shutdown GPT',
    );
    expect(row?.usageCount).toBe(served);
    expect(Date.now() - Date.parse(row?.lastUsedAt as string)).toBeLessThan(60_000);
  });

  it('after the exit, every tool call answered is in the tool-call log, none lost', async () => {
    expect(server.child.exitCode).toBe(0);
    const [rows] = await queryStopped(db, [
      `SELECT count(*)::int AS n FROM assistant_tool_calls WHERE tool = 'getConnectionStatus' AND outcome = 'success'`,
    ]);
    expect(toolCallsServed).toBeGreaterThan(0);
    expect(rows[0].n).toBe(toolCallsServed);
  });

  it('after the exit, the database holds one success usage log per LLM call answered in full, and none for the others', async () => {
    expect(server.child.exitCode).toBe(0);
    // The others (all refused or closed before a response, checked above) never reached a
    // provider: it was called once per call answered in full, and never left mid-answer.
    const answered = llmCalls.filter((c) => c.conversationId);
    expect(
      fake.calls.map((c) => ({ provider: c.provider, aborted: c.aborted })).sort(byJson),
    ).toEqual(answered.map((c) => ({ provider: c.provider, aborted: false })).sort(byJson));

    // One row per call answered in full, with that call's conversation: none lost in the
    // shutdown, none written twice, and no row (of any status) for a call never served.
    const [rows, keys] = await queryStopped(db, [
      'SELECT key_id, status, streamed, conversation_id FROM llm_usage_logs',
      'SELECT id, usage_count FROM llm_api_keys',
    ]);
    expect(rows.sort(byJson)).toEqual(
      answered
        .map((c) => ({
          key_id: keyIds[c.provider],
          status: 'success',
          streamed: c.stream,
          conversation_id: c.conversationId,
        }))
        .sort(byJson),
    );
    // The keys' usage counters, bumped in the same transaction as the rows.
    expect(Object.fromEntries(keys.map((k) => [k.id, Number(k.usage_count)]))).toEqual({
      [keyIds.openai!]: answered.filter((c) => c.provider === 'openai').length,
      [keyIds.anthropic!]: answered.filter((c) => c.provider === 'anthropic').length,
    });
  });
});
