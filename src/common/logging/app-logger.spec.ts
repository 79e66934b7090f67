import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, PinoLogger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions, prettyLogs, prettyStream } from './app-logger';

type Line = { level: number; msg: string; context?: string };

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    json: () => chunks.map((c) => JSON.parse(c) as Line),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe(prettyLogs.name, () => {
  it.each([
    [true, 'development', true],
    [true, undefined, true],
    [true, 'test', true],
    [true, 'production', false],
    [false, 'development', false],
    [undefined, 'development', false],
    [undefined, 'production', false],
  ])('isTTY %s, NODE_ENV %s → pretty %s', (isTTY, nodeEnv, expected) => {
    expect(prettyLogs({ isTTY, nodeEnv })).toBe(expected);
  });
});

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }

  @Get(':id')
  one() {
    return {};
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('Nest start-up lines', () => {
  it('writes module, controller and route lines at debug, not info; other lines stay at info', async () => {
    const out = capture();
    const root = pino(loggerOptions('debug'), out.stream);
    const logger = new Logger(new PinoLogger({ pinoHttp: { logger: root } }), {});
    const app = await NestFactory.create(ThingsModule, { logger });
    await app.init();
    logger.log('Passerelle listening on http://localhost:3000', 'Bootstrap');
    await app.close();

    const lines = out.json();
    const mapped = lines.filter((l) => /^Mapped \{\/things/.test(l.msg));
    expect(mapped).toHaveLength(2);
    expect(lines.some((l) => l.context === 'InstanceLoader')).toBe(true);
    for (const context of ['InstanceLoader', 'RoutesResolver', 'RouterExplorer']) {
      const of = lines.filter((l) => l.context === context);
      expect(of.map((l) => l.level)).toEqual(of.map(() => 20));
    }
    expect(lines.filter((l) => l.level === 30)).toEqual([
      expect.objectContaining({ context: 'Bootstrap', msg: expect.stringMatching(/listening/) }),
    ]);
  });

  it('drops them altogether at LOG_LEVEL=info, and keeps every other info line', () => {
    const out = capture();
    const root = pino(loggerOptions('info'), out.stream);
    root.info({ context: 'RouterExplorer' }, 'Mapped {/things, GET} route');
    root.info({ context: 'InstanceLoader' }, 'ThingsModule dependencies initialized');
    root.info({ context: 'Bootstrap' }, 'listening');
    root.info({ req: { id: 'x' } }, 'request completed');
    root.warn({ context: 'RouterExplorer' }, 'a warning is never lowered');
    expect(out.json().map((l) => l.msg)).toEqual([
      'listening',
      'request completed',
      'a warning is never lowered',
    ]);
  });
});

describe(prettyStream.name, () => {
  it('writes one readable line per record, HH:MM:ss, no pid/hostname, secrets redacted', async () => {
    const out = capture();
    const logger = pino(loggerOptions('info'), prettyStream(out.stream));
    logger.info({ context: 'Bootstrap' }, 'Passerelle listening on http://localhost:3000');
    logger.info({ user: { password: 'hunter2', token: 'torp_gpt_secret' } }, 'with secrets');
    logger.info(
      {
        req: {
          id: 'r1',
          method: 'GET',
          url: '/api/gpt/me',
          headers: { authorization: 'Bearer s3cret' },
        },
        res: { statusCode: 200 },
        responseTime: 3,
      },
      'request completed',
    );
    await settle();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\] INFO: \[Bootstrap\] Passerelle listening on http:\/\/localhost:3000$/,
    );
    expect(lines[1]).toContain('"password":"[Redacted]"');
    expect(lines[2]).toMatch(/INFO: GET \/api\/gpt\/me 200 3 ms \(request completed\)$/);
    expect(out.text()).not.toMatch(/hunter2|torp_gpt_secret|s3cret|"pid"|"hostname"|\(\d+ on /);
  });
});
