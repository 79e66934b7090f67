import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Params } from 'nestjs-pino';
import { pino } from 'pino';
import { loggerOptions } from './app-logger';
import { RequestLoggerMiddleware } from './logging.module';

type Line = {
  level: number;
  msg: string;
  responseTime: number;
  req: { id: string; method: string; url: string; headers: Record<string, string> };
  res: { statusCode: number };
};

describe(RequestLoggerMiddleware.name, () => {
  let server: Server;
  let lines: Line[];
  let baseUrl: string;

  /** A plain node:http server behind the middleware, answering `status` after `delayMs`. */
  async function setup(level: string) {
    lines = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Line);
        done();
      },
    });
    const logger = pino(loggerOptions(level), stream);
    const sut = new RequestLoggerMiddleware({ pinoHttp: { logger } } as Params);
    server = createServer((req, res) =>
      sut.use(req, res, () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const status = Number(url.searchParams.get('status') ?? 200);
        setTimeout(() => res.writeHead(status).end('ok'), Number(url.searchParams.get('delay')));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('gives each request an id, reusing a sane X-Request-Id and replacing any other', async () => {
    await setup('info');
    const fresh = await fetch(`${baseUrl}/a`);
    const reused = await fetch(`${baseUrl}/a`, { headers: { 'X-Request-Id': 'caller-id-123' } });
    const odd = await fetch(`${baseUrl}/a`, { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(reused.headers.get('x-request-id')).toBe('caller-id-123');
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    expect(lines.map((l) => l.req.id)).toEqual([
      fresh.headers.get('x-request-id'),
      'caller-id-123',
      odd.headers.get('x-request-id'),
    ]);
  });

  it('writes one line per answer, credentials and secret query values redacted', async () => {
    await setup('info');
    const res = await fetch(`${baseUrl}/api/x?token=s3cret-value&page=2&delay=15`, {
      headers: { Authorization: 'Bearer torp_gpt_secret', Cookie: 'sid=secret-cookie' },
    });
    await res.text();
    await settle();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: {
        id: res.headers.get('x-request-id'),
        method: 'GET',
        url: '/api/x?token=[Redacted]&page=2&delay=15',
        headers: { authorization: '[Redacted]', cookie: '[Redacted]' },
      },
      res: { statusCode: 200 },
    });
    expect(line.responseTime).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });

  it('logs a 5xx at error level and leaves health probes out', async () => {
    await setup('info');
    await (await fetch(`${baseUrl}/api/boom?status=503`)).text();
    await (await fetch(`${baseUrl}/health/live`)).text();
    await settle();
    expect(lines.map((l) => [l.level, l.msg, l.res.statusCode])).toEqual([
      [50, 'request errored', 503],
    ]);
  });

  it('says when the client left before the answer', async () => {
    await setup('info');
    await new Promise<void>((resolve) => {
      const req = request(`${baseUrl}/api/slow?delay=200`);
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 30);
    });
    for (let i = 0; i < 50 && lines.length === 0; i++) await settle();
    expect(lines.map((l) => l.msg)).toEqual(['request aborted']);
  });

  it('writes nothing below its level, but still the errors', async () => {
    await setup('warn');
    await (await fetch(`${baseUrl}/api/ok`)).text();
    await (await fetch(`${baseUrl}/api/fail?status=500`)).text();
    await settle();
    expect(lines.map((l) => l.msg)).toEqual(['request errored']);
  });
});
