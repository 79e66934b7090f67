/** Socket-level failures reaching the database server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs meaning "the server is not there right now", not "your query is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres / pg-pool messages for a connection lost or never made. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not open|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * Whether an error means the database is unreachable (down, restarting, failing over,
 * overloaded) rather than a bug: such requests get 503 + Retry-After, which ChatGPT and
 * load balancers treat as "try again", instead of 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as Record<string, unknown> | undefined, depth = 0; e && depth < 3; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) {
      return true;
    }
    if (typeof e.message === 'string' && LOST_CONNECTION.test(e.message)) return true;
    // TypeORM wraps the driver's error (QueryFailedError.driverError); so may AggregateError.
    e = (e.driverError ?? e.cause ?? (e.errors as unknown[] | undefined)?.[0]) as
      Record<string, unknown> | undefined;
  }
  return false;
}

/**
 * SQLSTATEs of a value the database cannot store as given (a NUL byte in text, a string longer
 * than its column, a number out of range): the caller's input, so 400, not 500.
 */
const UNSTORABLE_INPUT = new Set(['22021', '22P05', '22001', '22003']);

export function isUnstorableInput(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && UNSTORABLE_INPUT.has(code);
}
