import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Module, NestMiddleware } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule, PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import { appConfig } from '../../config';
import { createAppLogger, prettyLogs } from './app-logger';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Reuses a caller's X-Request-Id when it looks sane, else makes one; echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Paths answered but not logged (probes hit them every few seconds). */
const UNLOGGED_PREFIX = '/health';

type LoggedRequest = IncomingMessage & { id: string };

/**
 * The request log: gives every request its id (`X-Request-Id`, `req.id`) and writes one line
 * per answer, in pino-http's shape (`req`, `res`, `responseTime`; `request completed`, or
 * `request aborted` when the client left first, at info; `request errored` at error for a
 * 5xx), with the same serializers and redaction as every other line.
 *
 * Ours rather than pino-http: pino-http hangs a child logger, two arrays and three listeners on
 * every request and builds the line's objects even when its level is off (LOG_LEVEL=warn and a
 * 2xx). Measured with `npm run bench` (gpt-devis) that was ~10 % of the server's CPU per devis
 * read; this is one `close` listener and nothing built unless the line is written. Nor
 * nestjs-pino's own middleware: it runs every request inside an AsyncLocalStorage so that
 * `Logger` calls made during the request carry the request, and on Node 20 that store turns on
 * promise hooks for every promise of the process (~8 % of an LLM proxy call, whose SDK makes
 * hundreds). Lines written by services therefore carry no request binding; the error lines of
 * AllExceptionsFilter name the requestId themselves.
 */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware {
  private readonly logger: Logger;

  constructor(@Inject(PARAMS_PROVIDER_TOKEN) params: Params) {
    this.logger = (params.pinoHttp as { logger: Logger }).logger;
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    (req as LoggedRequest).id = requestId(req, res);
    if (!(req.url ?? '').startsWith(UNLOGGED_PREFIX)) {
      const start = performance.now();
      // 'close' comes after 'finish' for an answered request, and alone for an aborted one.
      res.once('close', () => this.answered(req as LoggedRequest, res, start));
    }
    next();
  }

  private answered(req: LoggedRequest, res: ServerResponse, start: number): void {
    const failed = res.statusCode >= 500;
    const level = failed ? 'error' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const responseTime = Math.round(performance.now() - start);
    const message = failed
      ? 'request errored'
      : res.writableFinished && !req.readableAborted
        ? 'request completed'
        : 'request aborted';
    this.logger[level]({ req, res, responseTime }, message);
  }
}

const PinoModule = LoggerModule.forRootAsync({
  inject: [appConfig.KEY],
  useFactory: (app: ConfigType<typeof appConfig>) => ({
    // Only the loggers: the request middleware is ours (RequestLoggerMiddleware above).
    useExisting: true,
    forRoutes: [],
    // Also the logger of log lines written outside requests. Pretty lines at a terminal.
    pinoHttp: {
      logger: createAppLogger(
        app.logLevel,
        prettyLogs({ isTTY: process.stdout.isTTY, nodeEnv: app.nodeEnv }),
      ),
    },
  }),
});

/** The app's loggers; configureApp mounts RequestLoggerMiddleware ahead of everything else. */
@Module({
  imports: [PinoModule],
  providers: [RequestLoggerMiddleware],
  exports: [RequestLoggerMiddleware],
})
export class LoggingModule {}
