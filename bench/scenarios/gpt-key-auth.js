'use strict';
// GET /api/gpt/me with a valid key (auth + per-key rate limit + usage count) against the bare
// GET /health/live. Goal: ≥ 0.90 of the bare route's requests/s, and no database write per request.
const { fire, measureAlternating, summarize } = require('../lib/load');
const {
  publishedActivity,
  settledActivity,
  sleep,
  tableWrites,
  tableWritesDelta,
} = require('../lib/postgres');
const { caveatLines, fmt } = require('../lib/report');
const { serverCommand } = require('../lib/server');

const GOAL_RATIO = 0.9;
/** Cores used by other processes above which the figures are flagged as disturbed. */
const DISTURBED_CPU = 0.15;
/** MAX_RATE_LIMIT in src/gpt-keys/gpt-keys.service.ts: far above what one run can send. */
const RATE_LIMIT = 1_000_000;
const KEY_PATTERN = /torp_gpt_[A-Za-z0-9]{64}/;
const ID_PATTERN = /\(id ([0-9a-f-]{36})\)/;
/**
 * What one batched usage flush writes (src/gpt-keys/gpt-keys.repository.ts): the key's
 * usage_count and its row of the day in gpt_key_usage_daily, each at most once per flush.
 */
const FLUSH_TABLES = ['gpt_api_keys', 'gpt_key_usage_daily'];

async function usageCount(db, keyId) {
  const { rows } = await db.query('SELECT usage_count FROM gpt_api_keys WHERE id = $1', [keyId]);
  return Number(rows[0].usage_count);
}

/**
 * Usage counts reach the database in one UPDATE per GPT_USAGE_FLUSH_MS: waits until the count
 * is at least `atLeast`, then one more flush interval to be sure nothing else arrives.
 */
async function settledUsage(db, keyId, atLeast, flushMs) {
  const deadline = Date.now() + 3 * flushMs + 10_000;
  let count = await usageCount(db, keyId);
  while (count < atLeast) {
    if (Date.now() > deadline) {
      throw new Error(`usage_count stuck at ${count}, expected at least ${atLeast}`);
    }
    await sleep(200);
    count = await usageCount(db, keyId);
  }
  await sleep(flushMs + 500);
  return usageCount(db, keyId);
}

/** One request that must answer 200; returns the response headers. */
async function expectOk(target) {
  const res = await fetch(target.url, { headers: target.headers });
  const body = await res.text();
  if (res.status !== 200) {
    throw new Error(`${target.route} answered ${res.status} before the run: ${body.slice(0, 500)}`);
  }
  return res.headers;
}

function loadProblems(label, s) {
  const problems = [];
  if (s.non2xx > 0)
    problems.push(`${label}: ${s.non2xx} non-2xx (${JSON.stringify(s.statusCodes)})`);
  if (s.errors > 0) problems.push(`${label}: ${s.errors} errors (${s.timeouts} timeouts)`);
  return problems;
}

async function run(ctx) {
  const { server, options, db, admin, dbName, log } = ctx;
  const out = await ctx.cli(['gpt:create-key', `Bench ${ctx.mode.id}`, String(RATE_LIMIT)]);
  const key = KEY_PATTERN.exec(out)?.[0];
  const keyId = ID_PATTERN.exec(out)?.[1];
  if (!key || !keyId) throw new Error(`no key in the output of gpt:create-key:\n${out}`);

  const bare = { route: 'GET /health/live', url: `${server.baseUrl}/health/live` };
  const authed = {
    route: 'GET /api/gpt/me',
    url: `${server.baseUrl}/api/gpt/me`,
    headers: { authorization: `Bearer ${key}` },
  };
  const load = {
    connections: options.connections,
    pipelining: options.pipelining,
    serverPid: server.pid,
    services: ctx.services,
  };
  const problems = [];

  await expectOk(bare);
  await expectOk(authed);
  let usageExpected = 1;

  log(`  warm-up: ${options.warmupRequests} requests per route`);
  for (const target of [bare, authed]) {
    const warm = await fire(target, { ...load, amount: options.warmupRequests });
    problems.push(...loadProblems(`warm-up ${target.route}`, warm));
    if (target === authed) usageExpected += warm.ok;
  }
  // With a fixed amount every response arrived: the count must match exactly.
  const usageBefore = await settledUsage(db, keyId, usageExpected, options.usageFlushMs);
  const warmUsageExact = usageBefore === usageExpected;
  if (!warmUsageExact) {
    problems.push(`usage_count ${usageBefore} after warm-up, expected exactly ${usageExpected}`);
  }

  // Every earlier write (the server's migrations and start-up included) published first.
  const activityBefore = await publishedActivity(admin, dbName);
  const tablesBefore = await tableWrites(db);
  const ownBefore = db.statements;
  const windowStart = Date.now();

  log(`  measuring ${options.duration} s per route in ${options.rounds} alternating rounds`);
  const { runs, discarded } = await measureAlternating([bare, authed], {
    ...load,
    duration: options.duration,
    rounds: options.rounds,
    quiet: { maxOtherCpu: DISTURBED_CPU, retries: options.retries },
    log,
  });
  const bareS = summarize(runs.get(bare.route));
  const authS = summarize(runs.get(authed.route));
  problems.push(...loadProblems(bare.route, bareS), ...loadProblems(authed.route, authS));
  // Rounds run again still reached the server: they count for usage and writes.
  const redoneRounds = discarded.get(authed.route).length;
  const authAll = summarize([...runs.get(authed.route), ...discarded.get(authed.route)]);
  const bareAll = summarize([...runs.get(bare.route), ...discarded.get(bare.route)]);

  const usageAfter = await settledUsage(db, keyId, usageBefore + authAll.ok, options.usageFlushMs);
  const tablesAfter = await tableWrites(db);
  const ownStatements = db.statements - ownBefore;
  const activityAfter = await settledActivity(admin, dbName);
  const windowMs = Date.now() - windowStart;

  // Requests cut off when a timed run ends were sent and may still be served and counted.
  const usageDelta = usageAfter - usageBefore;
  const usageConsistent = usageDelta >= authAll.ok && usageDelta <= authAll.sent;
  if (!usageConsistent) {
    problems.push(
      `usage_count grew by ${usageDelta}; expected between ${authAll.ok} (2xx received) and ${authAll.sent} (sent)`,
    );
  }
  // The rate limiter must have counted every request let through, like the usage recorder.
  const headers = await expectOk(authed);
  const rateLimitHits = RATE_LIMIT - Number(headers.get('x-ratelimit-remaining'));
  const rateLimitConsistent = rateLimitHits === usageAfter + 1;
  if (!rateLimitConsistent) {
    problems.push(`rate limiter counted ${rateLimitHits} hits for ${usageAfter + 1} requests`);
  }
  await ctx.forgetRateLimit?.(keyId);

  const tables = tableWritesDelta(tablesBefore, tablesAfter);
  const writes = activityAfter.writes - activityBefore.writes;
  const flushUpdates = tables.gpt_api_keys?.updated ?? 0;
  const flushWrites = FLUSH_TABLES.reduce(
    (n, t) => n + (tables[t] ? tables[t].inserted + tables[t].updated + tables[t].deleted : 0),
    0,
  );
  const maxFlushes = Math.ceil(windowMs / options.usageFlushMs) + 1;
  const onlyUsageFlushes =
    writes === flushWrites &&
    Object.keys(tables).every((t) => FLUSH_TABLES.includes(t)) &&
    FLUSH_TABLES.every((t) => !tables[t] || tables[t].inserted + tables[t].updated <= maxFlushes);
  const serverTransactions = activityAfter.commits - activityBefore.commits - ownStatements;
  const ratio = authS.rps / bareS.rps;
  const cpuRatio =
    bareS.serverCpuPerRequestUs && authS.serverCpuPerRequestUs
      ? bareS.serverCpuPerRequestUs / authS.serverCpuPerRequestUs
      : null;
  const otherCpu = Math.max(bareS.otherCpu ?? 0, authS.otherCpu ?? 0);

  return {
    mode: ctx.mode,
    bare: bareS,
    auth: authS,
    ratio,
    cpuRatio,
    disturbed: otherCpu > DISTURBED_CPU ? otherCpu : null,
    redoneRounds,
    goalMet: ratio >= GOAL_RATIO,
    noWritePerRequest: onlyUsageFlushes,
    db: {
      windowMs,
      writes,
      tables,
      flushUpdates,
      maxFlushes,
      authRequests: authAll.completed,
      allRequests: authAll.completed + bareAll.completed,
      writesPerRequest: writes / authAll.completed,
      serverTransactions,
      rollbacks: activityAfter.rollbacks - activityBefore.rollbacks,
    },
    usage: {
      warmExpected: usageExpected,
      usageBefore,
      warmUsageExact,
      usageDelta,
      ok: authAll.ok,
      sent: authAll.sent,
      usageConsistent,
    },
    rateLimit: { hits: rateLimitHits, expected: usageAfter + 1, consistent: rateLimitConsistent },
    problems,
  };
}

function summary(r) {
  return [
    `[${r.mode.id}] ${r.auth.route} / ${r.bare.route} = ${fmt.ratio(r.ratio)} ` +
      `(${fmt.int(r.auth.rps)} / ${fmt.int(r.bare.rps)} req/s): ` +
      (r.goalMet ? `PASS (goal ≥ ${GOAL_RATIO})` : `MISSED the goal of ≥ ${GOAL_RATIO}`) +
      (r.disturbed ? ', INCONCLUSIVE: disturbed by other processes' : ''),
    `[${r.mode.id}] p50/p99 ms: bare ${fmt.ms(r.bare.p50)}/${fmt.ms(r.bare.p99)}, ` +
      `auth ${fmt.ms(r.auth.p50)}/${fmt.ms(r.auth.p99)}`,
    `[${r.mode.id}] DB: ${r.db.writes} row writes for ${fmt.int(r.db.authRequests)} authenticated requests ` +
      `= ${perRequest(r.db.writesPerRequest)} per request (${r.db.flushUpdates} usage flushes); ` +
      `usage_count ${r.usage.usageConsistent && r.usage.warmUsageExact ? 'consistent' : 'INCONSISTENT'}`,
    ...(r.disturbed
      ? [`[${r.mode.id}] warning: other processes used ${fmt.pct(r.disturbed)} of a core meanwhile`]
      : []),
    ...r.problems.map((p) => `[${r.mode.id}] PROBLEM: ${p}`),
  ];
}

/** 0.0012 (1 in 843) */
const perRequest = (x) => (x > 0 ? `${x.toPrecision(2)} (1 in ${fmt.int(1 / x)})` : '0');

const serviceCpu = (s) => (s.pgCpu === null ? null : s.pgCpu + (s.redisCpu ?? 0));

function routeRow(label, s) {
  return `| ${label} | ${fmt.int(s.rps)} | ${fmt.ms(s.p50)} | ${fmt.ms(s.p99)} | ${fmt.int(s.non2xx)} | ${fmt.int(s.errors)} | ${fmt.int(s.completed)} | ${fmt.int(s.serverCpuPerRequestUs)} | ${fmt.pct(s.serverCpu)} | ${fmt.pct(s.loadCpu)} | ${fmt.pct(serviceCpu(s))} | ${fmt.pct(s.otherCpu)} |`;
}

function renderMode(r, options) {
  const d = r.db;
  const tables = Object.entries(d.tables)
    .map(
      ([t, w]) =>
        `${t}: ${['inserted', 'updated', 'deleted']
          .filter((k) => w[k] > 0)
          .map((k) => `${w[k]} ${k}`)
          .join(', ')}`,
    )
    .join('; ');
  const lines = [
    `### Rate-limit storage: ${r.mode.label}`,
    '',
    '| Route | req/s | p50 ms | p99 ms | non-2xx | errors | requests | server CPU µs/req | server CPU | autocannon CPU | PostgreSQL + Redis CPU | other CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    routeRow('`GET /health/live` (public, bare)', r.bare),
    routeRow('`GET /api/gpt/me` (key + rate limit)', r.auth),
    '',
    `- **Ratio** authenticated / bare req/s: **${fmt.ratio(r.ratio)}** (goal ≥ ${GOAL_RATIO}): ` +
      `**${r.goalMet ? 'PASS' : 'FAIL'}${r.disturbed ? ' (inconclusive: disturbed run, see below)' : ''}**. ` +
      `Per round, req/s: bare ` +
      `${r.bare.perRoundRps.map(fmt.int).join(', ')}; authenticated ${r.auth.perRoundRps.map(fmt.int).join(', ')}. ` +
      `Server CPU cost ratio (bare µs/req ÷ authenticated µs/req, what the req/s ratio tends to when the server is the bottleneck): ` +
      `${r.cpuRatio ? fmt.ratio(r.cpuRatio) : 'n/a'}.` +
      (r.redoneRounds > 0
        ? ` ${r.redoneRounds} round(s) were run again because other processes disturbed them.`
        : ''),
    `- **Database writes**: ${d.writes} row writes in the ${(d.windowMs / 1000).toFixed(1)} s window ` +
      `(${tables || 'none'}) for ${fmt.int(d.authRequests)} authenticated requests = ` +
      `**${perRequest(d.writesPerRequest)} writes per request**: ` +
      (r.noWritePerRequest
        ? `every write is a batched usage flush (the key's usage_count and its day row, once per ${options.usageFlushMs} ms at most, ≤ ${d.maxFlushes} flushes possible), ` +
          `none per request: **PASS**.`
        : `**FAIL**: writes other than the batched usage flushes, or more of them than flush intervals.`),
    `- Server transactions in the window: ${d.serverTransactions} (usage flushes and key-cache reloads; ` +
      `the bench's own queries subtracted) for ${fmt.int(d.allRequests)} requests, ` +
      `${d.rollbacks} rollbacks.`,
    `- Usage count check: \`usage_count\` = ${fmt.int(r.usage.usageBefore)} after warm-up ` +
      `(${r.usage.warmUsageExact ? 'exactly' : 'NOT'} the ${fmt.int(r.usage.warmExpected)} requests answered 200); ` +
      `+${fmt.int(r.usage.usageDelta)} over the timed runs, between the ${fmt.int(r.usage.ok)} 200s received and ` +
      `the ${fmt.int(r.usage.sent)} requests sent (requests in flight when a timed run stops are still served): ` +
      `${r.usage.usageConsistent ? 'consistent' : '**INCONSISTENT**'}. Rate limiter: ${fmt.int(r.rateLimit.hits)} hits ` +
      `counted for ${fmt.int(r.rateLimit.expected)} requests let through: ${r.rateLimit.consistent ? 'consistent' : '**different**'}.`,
  ];
  lines.push(...caveatLines(r));
  return lines.join('\n');
}

function render(results, meta) {
  const o = meta.options;
  const m = meta.machine;
  return [
    '## GPT key auth overhead',
    '',
    `Goal: \`GET /api/gpt/me\` with a valid key (Bearer key auth, per-key hourly rate limit, usage count) ` +
      `keeps ≥ ${GOAL_RATIO} of the requests/s of the bare \`GET /health/live\`, and a request makes no database write.`,
    '',
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}; ` +
      `Node ${m.node}; PostgreSQL ${meta.pgVersion}${meta.redisVersion ? `; Redis ${meta.redisVersion}` : ''}. ` +
      `Server: \`${serverCommand(o.serverNodeArgs)}\`, NODE_ENV=production, LOG_LEVEL=warn, a fresh database. ` +
      `Load: autocannon ${meta.autocannonVersion} in the bench process, ${o.connections} connections, pipelining ${o.pipelining}, ` +
      `${o.warmupRequests} warm-up requests per route, then ${o.duration} s per route in ${o.rounds} alternating rounds. ` +
      `Key limit ${fmt.int(RATE_LIMIT)}/h, so no request is throttled.`,
    '',
    ...results.flatMap((r) => [renderMode(r, o), '']),
    `Reading the figures: autocannon and the server share the ${m.cores} cores, so absolute req/s are ` +
      `lower than on a dedicated server; the ratio is what the goal is about. "server CPU" is the ` +
      `server process's CPU time over the run's wall time (100 % = one core: its single JS thread saturated); ` +
      `"PostgreSQL + Redis CPU" is that of the bench database's backends and, with Redis, of the Redis server (the rate-limit calls); ` +
      `"other CPU" is what the rest of the machine used meanwhile (builds, tests, the host's other tenants): above ${fmt.pct(DISTURBED_CPU)} of a core, a round is run again. ` +
      `Latency percentiles leave out each connection's first response: every run opens its ` +
      `${o.connections} connections at once and the saturated server admits them one event-loop turn at a time ` +
      `(slowest first response: ${results.map((r) => `${r.mode.id} ${fmt.ms(Math.max(r.bare.firstResponseMax, r.auth.firstResponseMax))} ms`).join(', ')}; ` +
      `plain Express behaves the same). ` +
      `Write counts come from pg_stat_database / pg_stat_user_tables of the bench database, read after ` +
      `PostgreSQL published them (it does so at most once a second per backend).`,
    '',
    `Reproduce: \`${meta.command}\``,
  ].join('\n');
}

module.exports = {
  id: 'gpt-key-auth',
  title: 'GPT key auth overhead',
  run,
  summary,
  render,
  /** A result whose figures cannot be trusted makes the bench exit non-zero. */
  valid: (r) => r.problems.length === 0,
};
