'use strict';
// Everything `npm run bench` can be told, read once from the environment.
const os = require('node:os');

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Variables that change what is measured: echoed in the reproduce command. */
const ECHOED = /^(BENCH_|GPT_USAGE_FLUSH_MS$|GPT_KEY_CACHE_TTL_MS$)/;

function wholeNumber(env, name, fallback, min = 1) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  }
  return value;
}

/** One of `values` (the first when unset). */
function oneOf(env, name, values) {
  const raw = env[name];
  if (raw === undefined || raw === '') return values[0];
  if (!values.includes(raw)) {
    throw new Error(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
  }
  return raw;
}

function list(raw) {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function readOptions(env = process.env) {
  const options = {
    /** Seconds of measurement per route, split over `rounds`. */
    duration: wholeNumber(env, 'BENCH_DURATION', 10),
    connections: wholeNumber(env, 'BENCH_CONNECTIONS', 50),
    pipelining: wholeNumber(env, 'BENCH_PIPELINING', 1),
    /**
     * Routes alternate A B, B A, … in short runs, so drift and bursts of other load on the
     * machine hit both alike. autocannon ends runs on whole seconds: keep duration / rounds whole.
     */
    rounds: wholeNumber(env, 'BENCH_ROUNDS', 5),
    /** Rounds run again, in all, when other processes disturbed them (0: keep every round). */
    retries: wholeNumber(env, 'BENCH_RETRIES', 10, 0),
    /** Fixed request count per route before measuring (JIT, pools, caches). */
    warmupRequests: wholeNumber(env, 'BENCH_WARMUP_REQUESTS', 5000),
    pgUrl: env.BENCH_DATABASE_URL || env.DATABASE_URL || DEFAULT_PG_URL,
    /** Set: every scenario runs twice, without Redis and then with it. */
    redisUrl: env.BENCH_REDIS_URL || null,
    scenarios: list(env.BENCH_SCENARIOS),
    /** Extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
    serverNodeArgs: list((env.BENCH_SERVER_NODE_ARGS ?? '').replace(/\s+/g, ',')),
    forceBuild: env.BENCH_BUILD === '1',
    /**
     * llm-gateway: Passerelle's route compared with Portkey. `auto` takes `/v1/chat/completions`
     * when the server answers it (else `/api/llm/chat`, said in the report); `v1` or `api` force one.
     */
    passerelleLlmRoute: oneOf(env, 'BENCH_PASSERELLE_LLM_ROUTE', ['auto', 'v1', 'api']),
    /** Same variable and default as the server (src/config/gpt.config.ts). */
    usageFlushMs: wholeNumber(env, 'GPT_USAGE_FLUSH_MS', 2000),
  };
  if (options.warmupRequests < options.connections) {
    throw new Error('BENCH_WARMUP_REQUESTS must be at least BENCH_CONNECTIONS');
  }
  return options;
}

/** The command that reproduces this run, with the variables that shaped it. */
function reproduceCommand(env = process.env) {
  const vars = Object.keys(env)
    .filter((k) => ECHOED.test(k) && env[k] !== '')
    .sort()
    .map((k) => `${k}=${shellQuote(withoutPassword(env[k]))}`);
  // Run with a niceness (e.g. `nice -n -10` on a machine others are using)? Say so.
  const niceness = os.getPriority();
  const nice = niceness !== 0 ? [`nice -n ${niceness}`] : [];
  return [...vars, ...nice, 'npm run bench'].join(' ');
}

function withoutPassword(value) {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

const shellQuote = (v) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

module.exports = { readOptions, reproduceCommand };
