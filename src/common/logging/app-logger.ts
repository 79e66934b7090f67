import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';

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

/**
 * Nest's start-up chatter: one line per module (InstanceLoader), per controller
 * (RoutesResolver) and per route (RouterExplorer, ~60 of them), plus "Starting Nest
 * application" and "successfully started". Written at debug, not info: main.ts says where
 * things are in a few lines instead.
 */
export const STARTUP_CONTEXTS: ReadonlySet<unknown> = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

const INFO = 30;

/** The pino options of every logger of the app: level, redaction, request serializers. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    serializers: {
      req: (req: IncomingMessage & { id: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url?.replace(SECRET_QUERY, '$1[Redacted]'),
        headers: req.headers,
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    hooks: {
      // nestjs-pino's Logger passes Nest's context as `{ context }`, the first argument.
      logMethod(args, write, level) {
        const first: unknown = args[0];
        if (
          level === INFO &&
          typeof first === 'object' &&
          first !== null &&
          STARTUP_CONTEXTS.has((first as { context?: unknown }).context)
        ) {
          if (this.isLevelEnabled('debug')) (this.debug as (...a: unknown[]) => void)(...args);
          return;
        }
        write.apply(this, args);
      },
    },
  };
}

/**
 * Human-readable lines for a person at a terminal; JSON for everything else: production
 * (whatever the terminal), CI, spawned test servers and log collectors, none of which has a TTY.
 */
export function prettyLogs({
  isTTY,
  nodeEnv,
}: {
  isTTY: boolean | undefined;
  nodeEnv: string | undefined;
}): boolean {
  return isTTY === true && nodeEnv !== 'production';
}

type PrettyRecord = {
  msg?: unknown;
  context?: unknown;
  responseTime?: unknown;
  req?: { method?: unknown; url?: unknown };
  res?: { statusCode?: unknown };
};

/** `GET /api/gpt/me 200 3 ms` for request lines, `[Context] message` for the others. */
function prettyMessage(log: Record<string, unknown>): string {
  const { msg, context, req, res, responseTime } = log as PrettyRecord;
  const text = typeof msg === 'string' ? msg : '';
  if (req && res) {
    return `${String(req.method)} ${String(req.url)} ${String(res.statusCode)} ${String(responseTime)} ms (${text})`;
  }
  return typeof context === 'string' ? `[${context}] ${text}` : text;
}

/** pino-pretty in this process: one coloured line per record, HH:MM:ss, no pid/hostname. */
export function prettyStream(destination?: NodeJS.WritableStream): PinoPretty.PrettyStream {
  return PinoPretty({
    colorize: destination === undefined,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat: prettyMessage,
    // Written before the process can exit (a failed boot calls process.exit).
    sync: true,
    ...(destination ? { destination } : {}),
  });
}

/**
 * The app's root logger. Redaction and serializers run in pino before the record is written,
 * so they apply in both modes.
 */
export function createAppLogger(level: string, pretty: boolean): Logger {
  return pretty ? pino(loggerOptions(level), prettyStream()) : pino(loggerOptions(level));
}
