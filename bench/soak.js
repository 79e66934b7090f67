'use strict';
// `npm run bench:soak`: the real server (NODE_ENV=production, a throwaway PostgreSQL database,
// Redis with BENCH_REDIS_URL) under steady mixed traffic — GPT Actions, support chat, LLM proxy
// against a loopback OpenAI-wire provider — for SOAK_SECONDS. Samples the server's RSS (from
// /proc) and V8 heap (from /metrics) with per-interval throughput and p99 per traffic kind, says
// whether RSS stays bounded, checks after a graceful shutdown that the usage counts in the
// database match the answers received, and writes the `soak` section of bench/RESULTS.md.
const { randomBytes } = require('node:crypto');
const { readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Redis = require('ioredis');
const { Cleanup } = require('./lib/cleanup');
const { startFakeOpenAi } = require('./lib/fake-openai-server');
const { analysisBody, devisBody, expectStatus, loginNewUser } = require('./lib/fixtures');
const { machineCpuMs, processCpuMs } = require('./lib/load');
const pg = require('./lib/postgres');
const { caveatLines, fmt, machine, writeResults } = require('./lib/report');
const {
  ensureBuilt,
  freePort,
  runCli,
  serverCommand,
  serverEnv,
  snapshotBuild,
  startServer,
} = require('./lib/server');
const {
  KINDS,
  KIND_LABELS,
  ROUTES,
  Traffic,
  percentile,
  summarizeTotals,
} = require('./lib/soak-traffic');

const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const SECTION_ID = 'soak';
/** How long the lead's run lasts; a shorter one is labelled a short run in RESULTS.md. */
const FULL_SECONDS = 600;
/** MAX_RATE_LIMIT in src/gpt-keys/gpt-keys.service.ts: nothing is throttled. */
const GPT_RATE_LIMIT = 1_000_000;
/** Raised chat limits (per IP and session): every soak client comes from 127.0.0.1. */
const CHAT_LIMIT = '1000000';
const INITIAL_CHAT_SESSIONS = 20;
const SEEDED_ANALYSES = 5;
/** Cores used by other processes (not the server, provider, load or PostgreSQL) that flag a run. */
const DISTURBED_CPU = 0.3;
/** Requests skipped because every client was busy, above which the offered rate was not held. */
const MAX_SKIPPED_SHARE = 0.005;
const KEY_PATTERN = /torp_gpt_[A-Za-z0-9]{64}/;
const ID_PATTERN = /\(id ([0-9a-f-]{36})\)/;

// ---- options -----------------------------------------------------------------------------------

function number(env, name, fallback, { min = 1, integer = true } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a ${integer ? 'whole ' : ''}number ≥ ${min} (got "${raw}")`);
  }
  return value;
}

function readOptions(env = process.env) {
  const o = {
    seconds: number(env, 'SOAK_SECONDS', FULL_SECONDS),
    warmupSeconds: number(env, 'SOAK_WARMUP_SECONDS', 60, { min: 0 }),
    sampleSeconds: number(env, 'SOAK_SAMPLE_SECONDS', 10),
    /** Requests started per second, whatever the answers' speed (open loop). */
    rate: number(env, 'SOAK_RATE', 100),
    /** Requests in flight at most; one due while all are busy is skipped and counted. */
    clients: number(env, 'SOAK_CLIENTS', 32),
    timeoutMs: number(env, 'SOAK_TIMEOUT_MS', 30_000),
    /** The verdict's rule: RSS slope over the last half of the steady part, and growth. */
    maxSlopeMbPerMin: number(env, 'SOAK_MAX_SLOPE_MB_PER_MIN', 5, { min: 0, integer: false }),
    maxGrowthPct: number(env, 'SOAK_MAX_GROWTH_PCT', 20, { min: 0, integer: false }),
    pgUrl:
      env.BENCH_DATABASE_URL || env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.BENCH_REDIS_URL || null,
    forceBuild: env.BENCH_BUILD === '1',
    serverNodeArgs: (env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  };
  if (o.warmupSeconds >= o.seconds) {
    throw new Error('SOAK_WARMUP_SECONDS must be shorter than SOAK_SECONDS');
  }
  if (o.sampleSeconds > o.seconds - o.warmupSeconds) {
    throw new Error('SOAK_SAMPLE_SECONDS must fit in the steady part (SOAK_SECONDS - warm-up)');
  }
  return o;
}

const ECHOED = /^(SOAK_|BENCH_(DATABASE_URL|REDIS_URL|BUILD|SERVER_NODE_ARGS)$)/;

function withoutPassword(value) {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.password ? url.toString() : value;
  } catch {
    return value;
  }
}

const shellQuote = (v) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

function reproduceCommand(env = process.env) {
  const vars = Object.keys(env)
    .filter((k) => ECHOED.test(k) && env[k] !== '')
    .sort()
    .map((k) => `${k}=${shellQuote(withoutPassword(env[k]))}`);
  const niceness = os.getPriority();
  return [...vars, ...(niceness !== 0 ? [`nice -n ${niceness}`] : []), 'npm run bench:soak'].join(
    ' ',
  );
}

// ---- memory and CPU ------------------------------------------------------------------------------

/** Resident set size (MB) of a process, from /proc/<pid>/status. */
function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** V8 heap used and total (MB) from the server's own /metrics (prom-client defaults), or nulls. */
async function heapMb(baseUrl, token) {
  try {
    const res = await fetch(`${baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    const metric = (name) => {
      const m = new RegExp(`^passerelle_${name} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) / 2 ** 20 : null;
    };
    return {
      used: metric('nodejs_heap_size_used_bytes'),
      total: metric('nodejs_heap_size_total_bytes'),
    };
  } catch {
    return { used: null, total: null };
  }
}

/** CPU time (ms) of the PostgreSQL backends connected to `dbName`, by pid (same machine only). */
async function backendCpu(admin, dbName) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
    dbName,
  ]);
  const cpu = new Map();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

function backendCpuDelta(before, after) {
  let ms = 0;
  for (const [pid, t0] of before) if (after.has(pid)) ms += after.get(pid) - t0;
  return ms;
}

/** Least-squares slope of y over x (points { x, y }), or NaN with fewer than two points. */
function slope(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

/** Reads everything a sample holds; CPU figures are shares of one core since the last sample. */
function sampler({ server, fake, admin, dbName, metricsToken, traffic }) {
  let last = null;
  const cpuNow = async () => ({
    at: Date.now(),
    server: processCpuMs(server.pid),
    fake: processCpuMs(fake.pid),
    machine: machineCpuMs(),
    own: process.cpuUsage(),
    pg: await backendCpu(admin, dbName),
  });
  return async (t) => {
    const cpu = await cpuNow();
    const heap = await heapMb(server.baseUrl, metricsToken);
    const sample = {
      t,
      rssMb: rssMb(server.pid),
      heapUsedMb: heap.used,
      heapTotalMb: heap.total,
      kinds: traffic.takeInterval(),
      seconds: last ? (cpu.at - last.at) / 1000 : 0,
      cpu: null,
    };
    if (last && cpu.server !== null && cpu.machine !== null) {
      const wall = cpu.at - last.at;
      const own = process.cpuUsage(last.own);
      const serverMs = cpu.server - last.server;
      const fakeMs = cpu.fake - last.fake;
      const pgMs = backendCpuDelta(last.pg, cpu.pg);
      const ownMs = (own.user + own.system) / 1000;
      sample.cpu = {
        server: serverMs / wall,
        pg: pgMs / wall,
        other: Math.max(0, cpu.machine - last.machine - serverMs - fakeMs - pgMs - ownMs) / wall,
      };
    }
    last = cpu;
    return sample;
  };
}

// ---- set-up --------------------------------------------------------------------------------------

/** A JSON call on the server at `baseUrl` that must answer `expect`: its parsed body. */
const call = async (baseUrl, method, url, { token, body, expect }) =>
  (await expectStatus(method, `${baseUrl}${url}`, expect, { token, body })).json();

const createUser = (cli, baseUrl, role) =>
  loginNewUser(cli, baseUrl, `soak-${role}-${randomBytes(3).toString('hex')}@example.com`, role);

/**
 * A GPT key (hourly limit far above the run), two devis (one read, with a few analyses; one
 * that receives the run's analyses, so the devis read stays the same size), a user whose
 * OpenAI key the loopback provider accepts, and a first few chat sessions.
 */
async function setUp({ cli, baseUrl, counts }) {
  const out = await cli(['gpt:create-key', 'Soak', String(GPT_RATE_LIMIT)]);
  const key = KEY_PATTERN.exec(out)?.[0];
  const keyId = ID_PATTERN.exec(out)?.[1];
  if (!key || !keyId) throw new Error(`no key in the output of gpt:create-key:\n${out}`);

  const staff = await createUser(cli, baseUrl, 'staff');
  const suffix = randomBytes(3).toString('hex').toUpperCase();
  const devis = await call(baseUrl, 'POST', '/api/devis', {
    token: staff,
    body: devisBody(`SOAK-READ-${suffix}`),
    expect: 201,
  });
  const target = await call(baseUrl, 'POST', '/api/devis', {
    token: staff,
    body: devisBody(`SOAK-ANALYSED-${suffix}`),
    expect: 201,
  });
  for (let i = 0; i < SEEDED_ANALYSES; i++) {
    await call(baseUrl, 'POST', '/api/gpt/analysis', {
      token: key,
      body: analysisBody(devis.id, i),
      expect: 201,
    });
    counts.setupGptCalls += 1;
  }

  const llmToken = await createUser(cli, baseUrl, 'user');
  const llmKey = await call(baseUrl, 'POST', '/api/llm/keys', {
    token: llmToken,
    body: {
      provider: 'openai',
      name: 'Soak loopback',
      apiKey: `sk-proj-${randomBytes(36).toString('base64url')}`,
    },
    expect: 201,
  });

  const sessions = [];
  for (let i = 0; i < INITIAL_CHAT_SESSIONS; i++) {
    const s = await call(baseUrl, 'POST', '/api/chat/create-session', { body: {}, expect: 201 });
    counts.chatMessages += s.messages.length;
    sessions.push({
      id: s.sessionId,
      token: s.sessionToken,
      cursor: s.messages.at(-1)?.sequence ?? 0,
    });
  }
  return {
    runId: suffix.toLowerCase(),
    gpt: { key, keyId, devisId: devis.id, analysisDevisId: target.id },
    llm: { token: llmToken, keyId: llmKey.id },
    chat: { sessions },
  };
}

// ---- the checks after shutdown -------------------------------------------------------------------

async function databaseChecks(db, state, counts, totals) {
  const ok = (kind) => totals.routes.filter((r) => r.kind === kind).reduce((s, r) => s + r.ok, 0);
  const one = async (sql, params) => Number((await db.query(sql, params)).rows[0].n);
  const checks = [
    {
      what: 'GPT key `usage_count`',
      expected: counts.setupGptCalls + ok('gpt'),
      expectedLabel: `${counts.setupGptCalls} set-up calls + ${fmt.int(ok('gpt'))} GPT 2xx answers`,
      actual: await one('SELECT usage_count AS n FROM gpt_api_keys WHERE id = $1', [
        state.gpt.keyId,
      ]),
    },
    {
      what: '`llm_usage_logs` rows of the key',
      expected: ok('llm'),
      expectedLabel: `${fmt.int(ok('llm'))} LLM proxy calls answered 2xx`,
      actual: await one('SELECT count(*) AS n FROM llm_usage_logs WHERE key_id = $1', [
        state.llm.keyId,
      ]),
    },
    {
      what: '`gpt_analyses` rows of the analysed devis',
      expected: counts.analyses,
      expectedLabel: `${fmt.int(counts.analyses)} analyses answered 201`,
      actual: await one('SELECT count(*) AS n FROM gpt_analyses WHERE devis_id = $1', [
        state.gpt.analysisDevisId,
      ]),
    },
    {
      what: '`chat_messages` rows',
      expected: counts.chatMessages,
      expectedLabel: `${fmt.int(counts.chatMessages)} welcome, user and reply messages answered`,
      actual: await one('SELECT count(*) AS n FROM chat_messages', []),
    },
  ];
  for (const c of checks) c.consistent = c.actual === c.expected;
  return checks;
}

// ---- report --------------------------------------------------------------------------------------

/** Samples grouped into rows of `bucketSeconds` (the timeline of RESULTS.md), with RSS ranges. */
function timeline(samples, trace, bucketSeconds) {
  const rows = [];
  let group = [];
  let from = 0;
  for (const s of samples.slice(1)) {
    group.push(s);
    const last = s === samples[samples.length - 1];
    const boundary = s.t % bucketSeconds === 0 || last;
    if (!boundary) continue;
    const seconds = group.reduce((n, g) => n + g.seconds, 0);
    const kinds = {};
    for (const k of KINDS) {
      const lat = Float64Array.from(group.flatMap((g) => [...g.kinds[k].latencies])).sort();
      kinds[k] = {
        rps: lat.length / seconds,
        p99: percentile(lat, 99),
        failed: group.reduce((n, g) => n + g.kinds[k].failed, 0),
      };
    }
    const rss = trace.filter((p) => p.t > from && (p.t <= s.t || last)).map((p) => p.rssMb);
    rows.push({ ...s, kinds, rssMin: Math.min(...rss), rssMax: Math.max(...rss) });
    group = [];
    from = s.t;
  }
  return rows;
}

function median(list) {
  const sorted = Float64Array.from(list).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The verdict on the RSS trace (one reading a second: the GC sawtooth, tens of MB, averages out
 * instead of aliasing with the samples): bounded when the least-squares slope over the last
 * half of the steady part is at most SOAK_MAX_SLOPE_MB_PER_MIN, and the median RSS of its last
 * third is at most SOAK_MAX_GROWTH_PCT above the median of its first third (medians over
 * minutes, not single readings, so one GC cycle's peak or trough decides nothing).
 */
function memoryVerdict(samples, trace, options) {
  const start = samples.find((s) => s.phase === 'steady');
  const end = samples[samples.length - 1];
  const steady = trace.filter((p) => p.t >= start.t);
  const half = start.t + (end.t - start.t) / 2;
  const window = (end.t - start.t) / 3;
  const points = (list) => list.map((p) => ({ x: p.t / 60, y: p.rssMb }));
  const lastHalf = steady.filter((p) => p.t >= half);
  const startLevel = median(steady.filter((p) => p.t <= start.t + window).map((p) => p.rssMb));
  const endLevel = median(steady.filter((p) => p.t >= end.t - window).map((p) => p.rssMb));
  const max = steady.reduce((m, p) => (p.rssMb > m.rssMb ? p : m), steady[0]);
  const growthPct = ((endLevel - startLevel) / startLevel) * 100;
  const lastHalfSlope = slope(points(lastHalf));
  return {
    start,
    end,
    max,
    window,
    startLevel,
    endLevel,
    growthPct,
    slope: slope(points(steady)),
    lastHalfSlope,
    readings: steady.length,
    bounded: lastHalfSlope <= options.maxSlopeMbPerMin && growthPct <= options.maxGrowthPct,
  };
}

const routeName = (x) => `\`${x.label}\`${x.note ? ` (${x.note})` : ''}`;
const mb = (n) => (Number.isFinite(n) ? `${Math.round(n)}` : 'n/a');
const signed = (n, digits = 2) => (n >= 0 ? '+' : '') + n.toFixed(digits);
const ruleText = (o, m) =>
  `least-squares slope of RSS (read every second) over the last half of the steady part ` +
  `≤ ${o.maxSlopeMbPerMin} MB/min, and median RSS over its last third (${fmt.int(m.window)} s) ` +
  `≤ ${o.maxGrowthPct} % above the median over its first third`;

function summaryLines(r) {
  const m = r.memory;
  const lines = [];
  for (const k of r.totals.kinds) {
    lines.push(
      `${k.label}: ${fmt.int(k.sent)} requests, ${fmt.int(k.rps)} req/s steady, p50 ${fmt.ms(k.p50)} ms, ` +
        `p99 ${fmt.ms(k.p99)} ms; unexpected status ${k.unexpected}, 5xx ${k.serverErrors}, ` +
        `errors ${k.errors}, wrong answers ${k.wrong}`,
    );
  }
  const serverErrors = r.totals.kinds.reduce((n, k) => n + k.serverErrors, 0);
  if (serverErrors > 0)
    lines.push(`!!! ${serverErrors} 5xx ANSWERS from the server (see above) !!!`);
  lines.push(
    `RSS: ${mb(m.start.rssMb)} MB after warm-up (t=${m.start.t} s), ${mb(m.end.rssMb)} MB at the end, ` +
      `max ${mb(m.max.rssMb)} MB; medians of the first and last thirds ${mb(m.startLevel)} → ${mb(m.endLevel)} MB ` +
      `(${signed(m.growthPct, 1)} %); slope ${signed(m.slope)} MB/min over the steady part, ` +
      `${signed(m.lastHalfSlope)} MB/min over its last half`,
    `RSS bounded: ${m.bounded ? 'yes' : 'no'} (rule: ${ruleText(r.options, m)})`,
  );
  for (const c of r.checks) {
    lines.push(
      `${c.what.replace(/`/g, '')}: ${fmt.int(c.actual)}, expected ${fmt.int(c.expected)}: ` +
        `${c.consistent ? 'consistent' : 'INCONSISTENT'}`,
    );
  }
  lines.push(...r.problems.map((p) => `PROBLEM: ${p}`));
  return lines;
}

function render(r, meta) {
  const o = r.options;
  const m = meta.machine;
  const mem = r.memory;
  const short = o.seconds < FULL_SECONDS;
  const mix = ROUTES.map((x) => `${x.weight} ${routeName(x)}`).join(', ');
  const routeRow = (x, label) =>
    `| ${label} | ${fmt.int(x.sent)} | ${fmt.int(x.ok)} | ${fmt.int(x.rps)} | ${fmt.ms(x.p50)} | ` +
    `${fmt.ms(x.p99)} | ${fmt.ms(x.max)} | ${fmt.int(x.unexpected)} | ${fmt.int(x.serverErrors)} | ` +
    `${fmt.int(x.errors)} | ${fmt.int(x.wrong)} |`;
  const bucket = o.seconds >= 300 ? 60 : o.sampleSeconds;
  const rows = timeline(r.samples, r.trace, bucket);
  const heap = (s) => (s.heapUsedMb === null ? 'n/a' : mb(s.heapUsedMb));
  const lines = [
    `## Soak: mixed traffic for ${o.seconds >= 120 ? `${fmt.int(o.seconds / 60)} minutes` : `${o.seconds} s`}`,
    '',
    'Requirement: a 10-minute soak (mixed GPT, chat and LLM-proxy traffic against loopback ' +
      'providers) reports throughput, p99 and RSS at start and end; RSS must not grow without bound.',
    '',
    ...(short
      ? [
          `**Short run (${o.seconds} s, warm-up ${o.warmupSeconds} s): it checks the script, it is not ` +
            `the ${FULL_SECONDS / 60}-minute soak; its figures say nothing about memory over time.**`,
          '',
        ]
      : []),
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}; ` +
      `Node ${m.node}; PostgreSQL ${meta.pgVersion}; rate-limit counters ` +
      `${meta.redisVersion ? `in Redis ${meta.redisVersion}` : 'in memory (REDIS_URL unset)'}. ` +
      `Server: \`${serverCommand(o.serverNodeArgs)}\`, NODE_ENV=production, LOG_LEVEL=warn, a throwaway database; ` +
      'LLM calls go to a loopback OpenAI-wire provider ([lib/fake-openai-server.js](lib/fake-openai-server.js), ' +
      'its own process) through OPENAI_BASE_URL; CHAT_MOCK_MODE=true and the chat limits raised ' +
      `(${fmt.int(Number(CHAT_LIMIT))}); a GPT key limited to ${fmt.int(GPT_RATE_LIMIT)}/h. ` +
      `Load ([lib/soak-traffic.js](lib/soak-traffic.js), in the bench process): **${o.rate} requests/s** ` +
      `started at a fixed rate (open loop), at most ${o.clients} in flight, for ${o.seconds} s; ` +
      `the first ${o.warmupSeconds} s are warm-up (left out of req/s and latencies). Mix per 100 ` +
      `requests: ${mix}. Chat requests pick a random session (${INITIAL_CHAT_SESSIONS} at the start, ` +
      'more as they are created); each history poll sends that session’s cursor. ' +
      `Samples every ${o.sampleSeconds} s: VmRSS of the server process from /proc/<pid>/status, V8 heap ` +
      'from its /metrics (METRICS_TOKEN set for the run).',
    '',
    '| Route | requests | 2xx | req/s | p50 ms | p99 ms | max ms | unexpected status | 5xx | errors | wrong answer |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const k of r.totals.kinds) {
    for (const x of r.totals.routes.filter((y) => y.kind === k.kind)) {
      lines.push(routeRow(x, `${k.label}: ${routeName(x)}`));
    }
    lines.push(routeRow(k, `**${k.label}, all**`));
  }
  const serverErrors = r.totals.kinds.reduce((n, k) => n + k.serverErrors, 0);
  lines.push(
    '',
    'requests, 2xx and the error columns count the whole run; req/s and latencies the steady part ' +
      `(${fmt.int(r.steadySeconds)} s). "wrong answer": a 2xx whose content failed the check (the ` +
      'devis asked for, the mock reply, the provider’s text, a finished stream).' +
      (serverErrors > 0 ? ` **${fmt.int(serverErrors)} answers were 5xx.**` : ' No 5xx.'),
    '',
    '### Memory',
    '',
    `- RSS after warm-up (t = ${mem.start.t} s): **${mb(mem.start.rssMb)} MB**; at the end (t = ${mem.end.t} s): ` +
      `**${mb(mem.end.rssMb)} MB**; max ${mb(mem.max.rssMb)} MB (t = ${Math.round(mem.max.t)} s); before any ` +
      `traffic ${mb(r.samples[0].rssMb)} MB. Median over the first third of the steady part ` +
      `(${fmt.int(mem.window)} s) ${mb(mem.startLevel)} MB, over the last third ${mb(mem.endLevel)} MB ` +
      `(**${signed(mem.growthPct, 1)} %**).`,
    `- Least-squares slope of RSS (${fmt.int(mem.readings)} readings, one a second) over the steady part: ` +
      `**${signed(mem.slope)} MB/min**; over its last half: **${signed(mem.lastHalfSlope)} MB/min**.`,
    `- V8 heap used: ${heap(mem.start)} MB after warm-up, ${heap(mem.end)} MB at the end.`,
    `- **RSS bounded: ${mem.bounded ? 'yes' : 'no'}** (rule: ${ruleText(o, mem)}). A ` +
      `${fmt.int(o.seconds / 60)}-minute run can only show growth faster than that; a slower leak needs a longer run.`,
    '',
    `| t (s) | RSS MB | RSS range MB | heap used MB | ${KINDS.map((k) => `${KIND_LABELS[k]} req/s | p99 ms`).join(' | ')} | failed |`,
    `|--:|--:|--:|--:|${KINDS.map(() => '--:|--:').join('|')}|--:|`,
    `| 0 | ${mb(r.samples[0].rssMb)} | – | ${heap(r.samples[0])} | ${KINDS.map(() => '– | –').join(' | ')} | – |`,
    ...rows.map(
      (x) =>
        `| ${x.t}${x.phase === 'warmup' ? ' (warm-up)' : x.start ? ' (start)' : ''} | ${mb(x.rssMb)} | ` +
        `${mb(x.rssMin)}–${mb(x.rssMax)} | ${heap(x)} | ` +
        `${KINDS.map((k) => `${fmt.int(x.kinds[k].rps)} | ${fmt.ms(x.kinds[k].p99)}`).join(' | ')} | ` +
        `${fmt.int(KINDS.reduce((n, k) => n + x.kinds[k].failed, 0))} |`,
    ),
    '',
    '### Consistency',
    '',
    'Read from the database after the server stopped gracefully (SIGTERM: in-flight requests end, ' +
      'the batched usage counters and logs are flushed):',
    '',
    ...r.checks.map(
      (c) =>
        `- ${c.what}: ${fmt.int(c.actual)}, expected ${fmt.int(c.expected)} (${c.expectedLabel}): ` +
        `${c.consistent ? 'consistent' : '**INCONSISTENT**'}.`,
    ),
    `- Server exit after SIGTERM: ${r.exit ? JSON.stringify(r.exit) : 'n/a'}.`,
    `- Requests skipped because all ${o.clients} clients were busy: ${fmt.int(r.skipped.steady)} of ` +
      `${fmt.int(r.dispatched.steady)} after the warm-up, ${fmt.int(r.skipped.warmup)} of ` +
      `${fmt.int(r.dispatched.all - r.dispatched.steady)} during it.`,
    `- CPU over the steady part (share of one core): server ${fmt.pct(r.cpu.server)}, PostgreSQL ` +
      `${fmt.pct(r.cpu.pg)}, other processes ${fmt.pct(r.cpu.other)}.`,
    ...caveatLines(r),
    '',
    `Reproduce: \`${meta.command}\``,
  );
  return lines.join('\n');
}

// ---- main ----------------------------------------------------------------------------------------

async function connectRedis(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('server');
    return { client: redis, version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } catch (err) {
    redis.disconnect();
    throw new Error(`Redis at BENCH_REDIS_URL not reachable: ${err.message}`);
  }
}

const describeSample = (s) =>
  `  t=${String(s.t).padStart(4)} s${s.phase === 'warmup' ? ' (warm-up)' : ''}: RSS ${mb(s.rssMb)} MB, ` +
  `heap ${s.heapUsedMb === null ? 'n/a' : mb(s.heapUsedMb)} MB | ` +
  KINDS.map((k) => {
    const x = s.kinds[k];
    const rps = x.latencies.length / s.seconds;
    return `${k} ${fmt.int(rps)} req/s p99 ${fmt.ms(percentile(x.latencies, 99))} ms${
      x.failed ? ` FAILED ${x.failed}` : ''
    }${x.serverErrors ? ` 5xx ${x.serverErrors}!` : ''}`;
  }).join(' | ') +
  (s.cpu ? ` | CPU server ${fmt.pct(s.cpu.server)}, other ${fmt.pct(s.cpu.other)}` : '');

async function soak({ options, cleanup, build, database, admin }) {
  const fake = await startFakeOpenAi();
  const stopFake = cleanup.defer('stop the loopback LLM provider', () => fake.stop());
  log(`Loopback OpenAI-wire provider on ${fake.baseUrl} (pid ${fake.pid})`);

  const metricsToken = randomBytes(24).toString('base64url');
  const env = {
    ...serverEnv({ databaseUrl: database.url, port: await freePort(), redisUrl: options.redisUrl }),
    OPENAI_BASE_URL: `${fake.baseUrl}/v1`,
    CHAT_MOCK_MODE: 'true',
    CHAT_MESSAGE_LIMIT: CHAT_LIMIT,
    CHAT_READ_LIMIT: CHAT_LIMIT,
    CHAT_CREATE_SESSION_LIMIT: CHAT_LIMIT,
    METRICS_TOKEN: metricsToken,
  };
  log(`Starting the server (${options.redisUrl ? 'Redis' : 'in-memory'} rate-limit counters)`);
  const server = await startServer({ build, env, nodeArgs: options.serverNodeArgs });
  const stopServer = cleanup.defer('stop the server', () => server.stop());

  const counts = { setupGptCalls: 0, analyses: 0, chatMessages: 0 };
  const state = await setUp({
    cli: (args) => runCli(args, { build, env }),
    baseUrl: server.baseUrl,
    counts,
  });
  log(
    `Set up: GPT key, 2 devis, ${SEEDED_ANALYSES} analyses, an LLM user and key, ${INITIAL_CHAT_SESSIONS} chat sessions`,
  );

  const traffic = new Traffic({
    baseUrl: server.baseUrl,
    state,
    counts,
    rate: options.rate,
    clients: options.clients,
    timeoutMs: options.timeoutMs,
  });
  cleanup.onInterrupt(() => void traffic.stop());
  const sample = sampler({ server, fake, admin, dbName: database.name, metricsToken, traffic });
  const samples = [{ ...(await sample(0)), phase: 'before' }];
  log(
    `Soak: ${options.rate} req/s, at most ${options.clients} in flight, ${options.seconds} s ` +
      `(warm-up ${options.warmupSeconds} s), a sample every ${options.sampleSeconds} s`,
  );
  log(describeSample(samples[0]));

  const started = Date.now();
  traffic.start();
  // RSS once a second for the verdict: cheap (one /proc read), and dense enough that the GC's
  // sawtooth averages out in a least-squares fit instead of aliasing with the samples.
  const trace = [];
  const readRss = () => {
    try {
      trace.push({ t: (Date.now() - started) / 1000, rssMb: rssMb(server.pid) });
    } catch {
      // the server is gone: the run fails elsewhere
    }
  };
  const tracer = setInterval(readRss, 1000);
  const durationMs = options.seconds * 1000;
  let steadySince = null;
  let dispatchedBeforeSteady = 0;
  for (let k = 1; ; k++) {
    const at = Math.min(k * options.sampleSeconds * 1000, durationMs);
    await sleep(started + at - Date.now());
    const last = at >= durationMs;
    if (last) {
      await traffic.stop();
      clearInterval(tracer);
      readRss();
    }
    const s = { ...(await sample(at / 1000)), phase: traffic.phase };
    samples.push(s);
    log(describeSample(s));
    // The first sample at or after the warm-up is the "start": steady figures count from it.
    if (traffic.phase === 'warmup' && at >= options.warmupSeconds * 1000) {
      traffic.phase = 'steady';
      s.phase = 'steady';
      s.start = true;
      steadySince = Date.now();
      dispatchedBeforeSteady = traffic.dispatched;
    }
    if (last) break;
  }
  const steadySeconds = (Date.now() - steadySince) / 1000;

  log('Stopping the server (SIGTERM)');
  const exit = await stopServer();
  await stopFake();
  const db = await pg.connect(database.url);
  const totals = summarizeTotals(traffic, steadySeconds);
  let checks;
  try {
    checks = await databaseChecks(db, state, counts, totals);
  } finally {
    await db.end();
  }

  const steady = samples.filter((s) => s.phase === 'steady' && s.cpu);
  // The first steady sample's CPU covers the last warm-up interval: left out.
  const cpuSamples = steady.slice(1);
  const meanCpu = (f) =>
    cpuSamples.length
      ? cpuSamples.reduce((n, s) => n + f(s.cpu) * s.seconds, 0) /
        cpuSamples.reduce((n, s) => n + s.seconds, 0)
      : null;
  const cpu = {
    server: meanCpu((c) => c.server),
    pg: meanCpu((c) => c.pg),
    other: meanCpu((c) => c.other),
  };

  const problems = [];
  for (const x of totals.routes) {
    const bad = x.unexpected + x.errors + x.wrong;
    if (bad > 0 || x.serverErrors > 0) {
      problems.push(
        `${x.label}${x.note ? ` (${x.note})` : ''}: ${x.serverErrors} 5xx, ${x.unexpected} unexpected statuses ` +
          `(${JSON.stringify(x.statuses)}), ${x.errors} errors, ${x.wrong} wrong answers; first: ` +
          x.problems.join(' / '),
      );
    }
  }
  for (const c of checks) {
    if (!c.consistent) problems.push(`${c.what}: ${c.actual}, expected ${c.expected}`);
  }
  if (exit?.code !== 0) problems.push(`the server did not exit cleanly: ${JSON.stringify(exit)}`);
  const steadyDispatched = traffic.dispatched - dispatchedBeforeSteady;
  if (traffic.skipped.steady > steadyDispatched * MAX_SKIPPED_SHARE) {
    problems.push(
      `${traffic.skipped.steady} of ${steadyDispatched} requests after the warm-up skipped (all ` +
        'clients busy): the offered rate was not held; lower SOAK_RATE or raise SOAK_CLIENTS',
    );
  }
  if (exit?.code !== 0) log(server.output());

  return {
    options,
    samples,
    totals,
    steadySeconds,
    memory: memoryVerdict(samples, trace, options),
    trace,
    checks,
    exit,
    skipped: traffic.skipped,
    dispatched: { all: traffic.dispatched, steady: steadyDispatched },
    cpu,
    disturbed: cpu.other !== null && cpu.other > DISTURBED_CPU ? cpu.other : null,
    problems,
    redisKey: `rl:gpt-key:${state.gpt.keyId}`,
  };
}

async function main() {
  const cleanup = new Cleanup(log);
  cleanup.handleSignals();
  try {
    const options = readOptions();
    ensureBuilt({ force: options.forceBuild, log });
    const build = snapshotBuild();
    cleanup.defer('remove the build snapshot', () =>
      rmSync(build.dir, { recursive: true, force: true }),
    );
    const admin = await pg.connect(options.pgUrl);
    cleanup.defer('close the PostgreSQL admin connection', () => admin.end());
    const pgVersion = await pg.serverVersion(admin);
    const database = await pg.createDatabase(admin, options.pgUrl);
    cleanup.defer(`drop database ${database.name}`, async () => {
      await database.drop();
      log(`Dropped database ${database.name}`);
    });
    log(`Created database ${database.name} (PostgreSQL ${pgVersion})`);
    const redis = options.redisUrl ? await connectRedis(options.redisUrl) : null;
    if (redis) cleanup.defer('close the Redis connection', () => redis.client.quit());

    const result = await soak({ options, cleanup, build, database, admin });
    // Redis keeps the key's hourly counter for an hour: remove it.
    await redis?.client.del(result.redisKey).catch(() => undefined);

    const meta = {
      date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z'),
      machine: machine(),
      pgVersion,
      redisVersion: redis?.version ?? null,
      command: reproduceCommand(),
    };
    const file = writeResults([{ id: SECTION_ID }], new Map([[SECTION_ID, render(result, meta)]]));
    log('');
    log(`Summary (written to ${path.relative(process.cwd(), file)}):`);
    summaryLines(result).forEach((line) => log(`  ${line}`));
    if (result.problems.length > 0)
      log('The soak had problems (see above): its figures are not valid.');
    return result.problems.length === 0 ? 0 : 1;
  } catch (err) {
    if (cleanup.interrupted) return 130;
    const bug = err instanceof TypeError || err instanceof ReferenceError;
    console.error(`bench:soak failed: ${bug ? err.stack : err.message}`);
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

module.exports = { main, slope, memoryVerdict };
