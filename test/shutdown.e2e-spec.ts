import { Agent, get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { freePort, runCli, SpawnedServer, startServer, waitFor } from './support/spawn';
import { createTestDatabase, TestDatabase } from './support/test-database';

const GRACE_MS = 10_000;
const KEY = /torp_gpt_[A-Za-z0-9]{64}/;

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

function request(url: string, agent: Agent | false, headers: Record<string, string> = {}) {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const req = get(url, { agent, headers, timeout: 15_000 }, (res) => {
      const status = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', (err) => done({ kind: 'cut-mid-response', status, error: err.message }));
      res.on('close', () => {
        if (!res.complete) done({ kind: 'cut-mid-response', status, error: 'incomplete body' });
        else done({ kind: status === 200 ? 'ok' : 'error-status', status, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done({ kind: 'refused' });
      else done({ kind: 'closed-before-response', error: `${err.code ?? ''} ${err.message}` });
    });
  });
}

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

  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      ...db.env,
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
    await waitFor(
      'the server to be ready',
      async () => {
        if (server.child.exitCode !== null) {
          throw new Error(`server exited with ${server.child.exitCode}: ${server.output()}`);
        }
        const res = await request(`${server.url}/health/ready`, false);
        return res.kind === 'ok' ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }, 90_000);

  afterAll(async () => {
    await server?.kill();
    await db?.drop();
  });

  it('a key created with the CLI while the server runs works on the server', async () => {
    const r = await runCli(env, ['gpt:create-key', 'Shutdown GPT', '100000']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    key = r.stdout.match(KEY)![0];
    const res = await request(`${server.url}/api/gpt/me`, false, {
      Authorization: `Bearer ${key}`,
    });
    expect(res).toEqual(expect.objectContaining({ kind: 'ok', status: 200 }));
    served += 1;
  });

  it('SIGTERM mid-load: every accepted request gets a full 200, readiness turns 503, the process exits 0 within the grace period', async () => {
    const outcomes: Outcome[] = [];
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

    try {
      const loops = agents.map(async (agent) => {
        while (running()) {
          const o = await request(meUrl, agent, auth);
          outcomes.push(o);
          if (o.kind === 'refused') return; // no longer listening: nothing more to serve
        }
      });
      await waitFor('load to be under way', async () => (count('ok') >= 150 ? true : undefined), {
        timeoutMs: 20_000,
        intervalMs: 20,
      });

      // Two requests in flight when SIGTERM arrives: their first bytes are in, the rest is not.
      const me = await RawConnection.open(port);
      const ready = await RawConnection.open(port);
      stragglers.push(me, ready);
      me.write(meRequest);
      ready.write('GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((r) => setTimeout(r, 500)); // let the server read those bytes

      const okBeforeSignal = count('ok');
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
        const o = await request(`${server.url}/health/live`, false);
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
      await Promise.all(loops);

      const summary = {
        ok: count('ok'),
        okBeforeSignal,
        okOnStragglerAfterSignal: onStraggler.filter((o) => o.kind === 'ok').length,
        refused: count('refused'),
        closedBeforeResponse: count('closed-before-response'),
        exitMs: at - sigtermAt,
      };
      console.log('shutdown under load:', JSON.stringify(summary));

      expect(onStraggler[0]).toEqual(expect.objectContaining({ kind: 'ok', status: 200 }));
      // No accepted request was answered with an error or cut mid-response.
      expect(outcomes.filter((o) => o.kind === 'error-status')).toEqual([]);
      expect(outcomes.filter((o) => o.kind === 'cut-mid-response')).toEqual([]);
      for (const o of outcomes) {
        if (o.kind === 'ok') expect(JSON.parse(o.body).name).toBe('Shutdown GPT');
      }
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(summary.exitMs).toBeLessThan(GRACE_MS);
    } catch (err) {
      (err as Error).message += `\n--- server output (tail) ---\n${server.output().slice(-4_000)}`;
      throw err;
    } finally {
      served += count('ok');
      clearTimeout(raceTimer);
      for (const agent of agents) if (agent) agent.destroy();
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
});
