import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule, PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import { pinoHttp, type HttpLogger, type Options as HttpLoggerOptions } from 'pino-http';
import { appConfig } from '../../config';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
const SECRET_QUERY = /([?&](?:access_token|token|key|api_key|apikey|password)=)[^&]*/gi;

/** Paths never written to logs: credentials in headers and in any logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-chat-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.plaintext',
  '*.keyHash',
  '*.apiKey',
  '*.encryptionKey',
];

/** Reuses a caller's X-Request-Id when it looks sane, else makes one; echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

const noop = () => undefined;

/**
 * A child logger made on first use: its bindings are only serialized (and redacted) when a
 * line at an enabled level is written. pino-http makes a child bound to the request for every
 * request, which serializes, redacts and stringifies the request even when nothing is logged
 * (LOG_LEVEL=warn and a 2xx answer); `npm run bench` (gpt-devis) shows that cost.
 */
function lazyChild(parent: Logger, bindings: pino.Bindings): Logger {
  let real: Logger | undefined;
  return new Proxy(parent, {
    get(_target, prop) {
      if (
        real === undefined &&
        typeof prop === 'string' &&
        prop in parent.levels.values &&
        !parent.isLevelEnabled(prop)
      ) {
        return noop;
      }
      real ??= parent.child(bindings);
      const value: unknown = Reflect.get(real, prop, real);
      return typeof value === 'function' ? (value as () => unknown).bind(real) : value;
    },
  });
}

/** `logger`, whose children without options of their own are lazy (see lazyChild). */
export function withLazyChildren(logger: Logger): Logger {
  return new Proxy(logger, {
    get(target, prop) {
      if (prop === 'child') {
        return (bindings: pino.Bindings, options?: pino.ChildLoggerOptions) =>
          options ? withLazyChildren(target.child(bindings, options)) : lazyChild(target, bindings);
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

const PinoModule = LoggerModule.forRootAsync({
  inject: [appConfig.KEY],
  useFactory: (app: ConfigType<typeof appConfig>) => {
    const options = {
      level: app.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      serializers: {
        req: (req: {
          id: string;
          method: string;
          url: string;
          headers: Record<string, unknown>;
        }) => ({
          id: req.id,
          method: req.method,
          url: req.url?.replace(SECRET_QUERY, '$1[Redacted]'),
          headers: req.headers,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    };
    return {
      // Only the loggers: the request middleware is ours (HttpLoggerMiddleware below).
      useExisting: true,
      forRoutes: [],
      pinoHttp: {
        ...options,
        // Also the logger of log lines written outside requests.
        logger: withLazyChildren(pino(options)),
        genReqId: requestId,
        autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
      },
    };
  },
});

/**
 * pino-http on every route: request id (X-Request-Id), `req.log`, one line per answer (error
 * for a 5xx, else info; /health not logged). nestjs-pino's own request middleware is left
 * out on purpose: it runs every request inside an AsyncLocalStorage so that `Logger` calls made
 * during the request carry the request, and on Node 20 that store turns on promise hooks for
 * every promise of the process — about 8 % of the CPU of an LLM proxy call, whose SDK makes
 * hundreds (`npm run bench`, llm-proxy). Lines written by services therefore carry no request
 * binding; the error lines of AllExceptionsFilter name the requestId themselves.
 */
@Injectable()
export class HttpLoggerMiddleware implements NestMiddleware {
  private readonly handle: HttpLogger;

  constructor(@Inject(PARAMS_PROVIDER_TOKEN) params: Params) {
    this.handle = pinoHttp(params.pinoHttp as HttpLoggerOptions);
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    this.handle(req, res, next);
  }
}

@Module({ imports: [PinoModule], providers: [HttpLoggerMiddleware] })
export class LoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpLoggerMiddleware).forRoutes('{*path}');
  }
}
