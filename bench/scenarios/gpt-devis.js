'use strict';
// GET /api/gpt/devis/:id (a quote with 20 lines and 7 analyses, on PostgreSQL) served by the app
// against the same route served by a bare node:http + pg server (bench/lib/bare-devis-server.js,
// its own process) doing the same queries and the same JSON. Goal: the app keeps ≥ 0.60 of the
// bare server's requests/s. A third server, the NestJS + Express floor
// (bench/lib/nest-floor-devis-server.js), runs the bare server's code inside a minimal Nest app:
// the best ratio any NestJS + Express app can reach on this machine.
const assert = require('node:assert/strict');
const { startChildServer } = require('../lib/child-server');
const path = require('node:path');
const { fire, measureAlternating, summarize } = require('../lib/load');
const { publishedActivity } = require('../lib/postgres');
const { DEVIS_LINES, createDevisWithAnalyses, expectStatus } = require('../lib/fixtures');
const { caveatLines, fmt } = require('../lib/report');
const { serverCommand } = require('../lib/server');

const GOAL_RATIO = 0.6;
/** Cores used by other processes (PostgreSQL serving the bench left out) above which runs are flagged. */
const DISTURBED_CPU = 0.15;
/** MAX_RATE_LIMIT in src/gpt-keys/gpt-keys.service.ts: far above what one run can send. */
const RATE_LIMIT = 1_000_000;
/** Statements per request the two servers may differ by before the SQL is reported as different. */
const SQL_TOLERANCE = 0.05;
const LINE_COUNT = DEVIS_LINES.length;
const ANALYSIS_COUNT = 7;
/** The app's pool size on PostgreSQL (src/config/database.config.ts), DATABASE_POOL_SIZE else 10. */
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE || 10);
const KEY_PATTERN = /torp_gpt_[A-Za-z0-9]{64}/;
const ID_PATTERN = /\(id ([0-9a-f-]{36})\)/;
const BARE_SERVER = path.join(__dirname, '..', 'lib', 'bare-devis-server.js');
const FLOOR_SERVER = path.join(__dirname, '..', 'lib', 'nest-floor-devis-server.js');

/** A staff user (created with the CLI, which prints its generated password), a devis, analyses. */
function createData(ctx, key) {
  return createDevisWithAnalyses(ctx, key, {
    reference: `BENCH-DEVIS-${ctx.mode.id.toUpperCase()}`,
    email: `bench-devis-${ctx.mode.id}@example.com`,
    analyses: ANALYSIS_COUNT,
  });
}

// ---- the bare server ---------------------------------------------------------------------------

/**
 * Forks `file` (the bare server or the Nest floor) on the bench database; resolves once it
 * listens. `nodeArgs` are BENCH_SERVER_NODE_ARGS, so a --cpu-prof run profiles every server.
 */
function startBaseline(file, label, databaseUrl, { nodeArgs = [], timeoutMs = 15_000 } = {}) {
  return startChildServer(file, {
    label,
    env: { DATABASE_URL: databaseUrl, BARE_POOL_SIZE: String(POOL_SIZE) },
    nodeArgs,
    timeoutMs,
  });
}

// ---- measurement -------------------------------------------------------------------------------

function loadProblems(label, s) {
  const problems = [];
  if (s.non2xx > 0)
    problems.push(`${label}: ${s.non2xx} non-2xx (${JSON.stringify(s.statusCodes)})`);
  if (s.errors > 0) problems.push(`${label}: ${s.errors} errors (${s.timeouts} timeouts)`);
  return problems;
}

/**
 * Warm-ups of exactly `amount` requests per target, with the database's transactions counted
 * around each: every statement outside a transaction commits one, so this gives the statements
 * per request (plus, for the app, its batched usage flushes and key-cache reloads: a few in
 * thousands of requests).
 */
async function warmUp(targets, { admin, dbName, db, amount, load, log }) {
  const results = {};
  let before = await publishedActivity(admin, dbName);
  for (const target of targets) {
    const own0 = db.statements;
    const run = await fire(target, { ...load, serverPid: target.pid, amount });
    log(`  warm-up ${target.label}: ${Math.round(run.completed / run.seconds)} req/s`);
    const after = await publishedActivity(admin, dbName);
    results[target.route] = {
      run,
      statementsPerRequest:
        (after.commits - before.commits - (db.statements - own0)) / run.completed,
      rollbacks: after.rollbacks - before.rollbacks,
    };
    before = after;
  }
  return results;
}

/** All answers must carry the same content: same devis, lines, totals, analyses. */
async function checkSameContent(app, bare, floor) {
  const a = await expectStatus('GET', app.url, 200, { token: app.token });
  const b = await expectStatus('GET', bare.url, 200);
  const f = await expectStatus('GET', floor.url, 200);
  const appJson = JSON.parse(a.text);
  const bareJson = JSON.parse(b.text);
  assert.deepStrictEqual(bareJson, appJson, 'the bare server and the app answer different content');
  assert.deepStrictEqual(
    JSON.parse(f.text),
    appJson,
    'the Nest floor and the app answer different content',
  );
  assert.equal(appJson.lineCount, LINE_COUNT);
  assert.equal(appJson.lines.length, LINE_COUNT);
  assert.equal(appJson.analysisCount, ANALYSIS_COUNT);
  assert.equal(appJson.previousAnalyses.length, 5);
  return {
    bodyBytes: { app: Buffer.byteLength(a.text), bare: Buffer.byteLength(b.text) },
    identicalBytes: a.text === b.text && a.text === f.text,
    headers: {
      app: [...a.headers.keys()],
      bare: [...b.headers.keys()],
      floor: [...f.headers.keys()],
    },
  };
}

async function run(ctx) {
  const { server, options, db, admin, dbName, log } = ctx;
  const out = await ctx.cli(['gpt:create-key', `Bench devis ${ctx.mode.id}`, String(RATE_LIMIT)]);
  const key = KEY_PATTERN.exec(out)?.[0];
  const keyId = ID_PATTERN.exec(out)?.[1];
  if (!key || !keyId) throw new Error(`no key in the output of gpt:create-key:\n${out}`);

  const devisId = await createData(ctx, key);
  log(`  devis ${devisId}: ${LINE_COUNT} lines, ${ANALYSIS_COUNT} analyses`);

  const databaseUrl = new URL(options.pgUrl);
  databaseUrl.pathname = `/${dbName}`;
  const bareServer = await startBaseline(BARE_SERVER, 'bare server', databaseUrl.toString(), {
    nodeArgs: options.serverNodeArgs,
  });
  let floorServer;
  try {
    floorServer = await startBaseline(FLOOR_SERVER, 'Nest floor', databaseUrl.toString(), {
      nodeArgs: options.serverNodeArgs,
    });
    const route = `/api/gpt/devis/${devisId}`;
    const app = {
      route: 'app',
      label: 'app GET /api/gpt/devis/:id',
      url: `${server.baseUrl}${route}`,
      headers: { authorization: `Bearer ${key}` },
      token: key,
      pid: server.pid,
    };
    const bare = {
      route: 'bare',
      label: 'bare node:http + pg',
      url: `${bareServer.baseUrl}${route}`,
      pid: bareServer.pid,
    };
    const floor = {
      route: 'floor',
      label: 'NestJS + Express floor',
      url: `${floorServer.baseUrl}${route}`,
      pid: floorServer.pid,
    };
    const targets = [bare, floor, app];
    const load = {
      connections: options.connections,
      pipelining: options.pipelining,
      services: ctx.services,
    };
    const problems = [];

    const content = await checkSameContent(app, bare, floor);
    log(
      `  content check: same JSON content (${content.bodyBytes.app} bytes; ` +
        `${content.identicalBytes ? 'byte-identical' : 'bytes differ'})`,
    );

    log(`  warm-up: ${options.warmupRequests} requests per server`);
    const warm = await warmUp(targets, {
      admin,
      dbName,
      db,
      amount: options.warmupRequests,
      load,
      log,
    });
    const statements = {};
    for (const target of targets) {
      const w = warm[target.route];
      problems.push(...loadProblems(`warm-up ${target.label}`, w.run));
      statements[target.route] = w.statementsPerRequest;
      if (w.rollbacks > 0) problems.push(`warm-up ${target.label}: ${w.rollbacks} rollbacks`);
    }

    log(`  measuring ${options.duration} s per server in ${options.rounds} alternating rounds`);
    // Each target is its own server (target.pid); load.services takes PostgreSQL's backends out
    // of "other CPU": serving these queries is part of the work measured.
    const { runs } = await measureAlternating(targets, {
      ...load,
      duration: options.duration,
      rounds: options.rounds,
      log,
    });
    const bareS = summarize(runs.get('bare'));
    const appS = summarize(runs.get('app'));
    const floorS = summarize(runs.get('floor'));
    problems.push(
      ...loadProblems(bare.label, bareS),
      ...loadProblems(floor.label, floorS),
      ...loadProblems(app.label, appS),
    );
    // Still the same answer after the load.
    await checkSameContent(app, bare, floor).catch((err) =>
      problems.push(`after the runs: ${err.message}`),
    );
    await ctx.forgetRateLimit?.(keyId);

    const ratio = appS.rps / bareS.rps;
    const perRequest = (s) =>
      s.serverCpuPerRequestUs !== null && s.pgCpuPerRequestUs !== null
        ? s.serverCpuPerRequestUs + s.pgCpuPerRequestUs
        : null;
    const otherCpu = Math.max(bareS.otherCpu ?? 0, floorS.otherCpu ?? 0, appS.otherCpu ?? 0);
    // The app's batched usage flushes add a few statements per thousand requests.
    const sameSql =
      Math.abs(statements.app - statements.bare) <= SQL_TOLERANCE &&
      Math.abs(statements.floor - statements.bare) <= SQL_TOLERANCE;
    return {
      mode: ctx.mode,
      devisId,
      bare: bareS,
      floor: floorS,
      app: appS,
      ratio,
      floorRatio: floorS.rps / bareS.rps,
      cpuRatio:
        bareS.serverCpuPerRequestUs && appS.serverCpuPerRequestUs
          ? bareS.serverCpuPerRequestUs / appS.serverCpuPerRequestUs
          : null,
      stackCpuRatio:
        perRequest(bareS) && perRequest(appS) ? perRequest(bareS) / perRequest(appS) : null,
      goalMet: ratio >= GOAL_RATIO,
      disturbed: otherCpu > DISTURBED_CPU ? otherCpu : null,
      statements,
      sameSql,
      content,
      problems,
    };
  } finally {
    for (const [label, child] of [
      ['the bare server', bareServer],
      ['the Nest floor', floorServer],
    ]) {
      const exit = await child?.stop();
      if (child && exit?.code !== 0)
        log(`warning: ${label} exited with ${JSON.stringify(exit)}: ${child.output()}`);
    }
  }
}

function summary(r) {
  return [
    `[${r.mode.id}] app / bare GET /api/gpt/devis/:id = ${fmt.ratio(r.ratio)} ` +
      `(${fmt.int(r.app.rps)} / ${fmt.int(r.bare.rps)} req/s): ` +
      (r.goalMet ? `PASS (goal ≥ ${GOAL_RATIO})` : `MISSED the goal of ≥ ${GOAL_RATIO}`),
    `[${r.mode.id}] NestJS + Express floor / bare = ${fmt.ratio(r.floorRatio)} ` +
      `(${fmt.int(r.floor.rps)} req/s); app / floor = ${fmt.ratio(r.app.rps / r.floor.rps)}`,
    `[${r.mode.id}] p50/p99 ms: bare ${fmt.ms(r.bare.p50)}/${fmt.ms(r.bare.p99)}, ` +
      `floor ${fmt.ms(r.floor.p50)}/${fmt.ms(r.floor.p99)}, app ${fmt.ms(r.app.p50)}/${fmt.ms(r.app.p99)}`,
    `[${r.mode.id}] SQL statements per request: app ${r.statements.app.toFixed(2)}, ` +
      `floor ${r.statements.floor.toFixed(2)}, bare ${r.statements.bare.toFixed(2)}; ` +
      `content check: same JSON (${r.content.identicalBytes ? 'byte-identical' : 'same content, bytes differ'})`,
    ...(r.sameSql
      ? []
      : [
          `[${r.mode.id}] warning: the app and the bare server no longer run the same SQL ` +
            `(statements per request differ): update bench/lib/bare-devis-server.js`,
        ]),
    ...(r.disturbed
      ? [`[${r.mode.id}] warning: other processes used ${fmt.pct(r.disturbed)} of a core meanwhile`]
      : []),
    ...r.problems.map((p) => `[${r.mode.id}] PROBLEM: ${p}`),
  ];
}

function routeRow(label, s) {
  return `| ${label} | ${fmt.int(s.rps)} | ${fmt.ms(s.p50)} | ${fmt.ms(s.p99)} | ${fmt.int(s.non2xx)} | ${fmt.int(s.errors)} | ${fmt.int(s.completed)} | ${fmt.int(s.serverCpuPerRequestUs)} | ${fmt.int(s.pgCpuPerRequestUs)} | ${fmt.pct(s.serverCpu)} | ${fmt.pct(s.pgCpu)} | ${fmt.pct(s.loadCpu)} | ${fmt.pct(s.otherCpu)} |`;
}

function renderMode(r) {
  const lines = [
    `### Rate-limit storage: ${r.mode.label}`,
    '',
    '| Server | req/s | p50 ms | p99 ms | non-2xx | errors | requests | server CPU µs/req | PostgreSQL CPU µs/req | server CPU | PostgreSQL CPU | autocannon CPU | other CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    routeRow('bare `node:http` + `pg`', r.bare),
    routeRow('NestJS + Express floor (the bare code in one controller)', r.floor),
    routeRow('app (key auth + rate limit + usage count)', r.app),
    '',
    `- **Ratio** app / bare req/s: **${fmt.ratio(r.ratio)}** (goal ≥ ${GOAL_RATIO}): ` +
      `**${r.goalMet ? 'PASS' : 'FAIL'}**. Per round, req/s: bare ` +
      `${r.bare.perRoundRps.map(fmt.int).join(', ')}; floor ${r.floor.perRoundRps.map(fmt.int).join(', ')}; ` +
      `app ${r.app.perRoundRps.map(fmt.int).join(', ')}. ` +
      `CPU cost ratios (bare µs/req ÷ app µs/req): server process alone ${r.cpuRatio ? fmt.ratio(r.cpuRatio) : 'n/a'}, ` +
      `server + PostgreSQL ${r.stackCpuRatio ? fmt.ratio(r.stackCpuRatio) : 'n/a'}.`,
    `- **NestJS + Express floor** / bare req/s: **${fmt.ratio(r.floorRatio)}**; app / floor: ` +
      `**${fmt.ratio(r.app.rps / r.floor.rps)}**. The floor is the bare server's code in one Nest controller, ` +
      `with nothing else: ${
        r.floorRatio < GOAL_RATIO
          ? `below ${GOAL_RATIO} itself, so no NestJS + Express app can meet the goal on this machine`
          : `the goal is within reach of a NestJS + Express app; the app's own layers cost the rest`
      }.`,
    `- **SQL statements per request** (transactions committed on the bench database during a warm-up of an exact ` +
      `number of requests): app ${r.statements.app.toFixed(2)}, floor ${r.statements.floor.toFixed(2)}, ` +
      `bare ${r.statements.bare.toFixed(2)}: ` +
      (r.sameSql
        ? 'the same queries.'
        : "**they differ: the bare server no longer mirrors the app's SQL, so the ratio compares more than " +
          'the framework (update bench/lib/bare-devis-server.js).**'),
    `- **Content check** (before and after the runs): the bare server's and the floor's JSON equal the app's ` +
      `(deep equality: same devis id, ${LINE_COUNT} lines, totals, formatted amounts, categories, ` +
      `${ANALYSIS_COUNT} analyses counted and 5 listed); ` +
      (r.content.identicalBytes
        ? `the bodies are even byte-identical (${fmt.int(r.content.bodyBytes.app)} bytes).`
        : `bodies of ${fmt.int(r.content.bodyBytes.app)} (app) and ${fmt.int(r.content.bodyBytes.bare)} (bare) bytes.`) +
      ` Response headers: app ${r.content.headers.app.length} (${r.content.headers.app.join(', ')}); ` +
      `floor ${r.content.headers.floor.length} (${r.content.headers.floor.join(', ')}); ` +
      `bare ${r.content.headers.bare.length} (${r.content.headers.bare.join(', ')}).`,
  ];
  lines.push(...caveatLines(r));
  return lines.join('\n');
}

function render(results, meta) {
  const o = meta.options;
  const m = meta.machine;
  return [
    '## GPT devis read: app vs bare node:http + pg',
    '',
    `Goal: \`GET /api/gpt/devis/:id\` (a quote of ${LINE_COUNT} lines with ${ANALYSIS_COUNT} analyses, on PostgreSQL) ` +
      `keeps ≥ ${GOAL_RATIO} of the requests/s of a bare \`node:http\` + \`pg\` server answering the same route ` +
      `with the same JSON.`,
    '',
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}; ` +
      `Node ${m.node}; PostgreSQL ${meta.pgVersion}${meta.redisVersion ? `; Redis ${meta.redisVersion}` : ''}. ` +
      `App: \`${serverCommand(o.serverNodeArgs)}\`, NODE_ENV=production, LOG_LEVEL=warn, a fresh database, a GPT key ` +
      `limited to ${fmt.int(RATE_LIMIT)}/h (nothing throttled). Bare: [bench/lib/bare-devis-server.js](lib/bare-devis-server.js) ` +
      `in its own process, a \`pg\` Pool of ${POOL_SIZE} like the app's, on the same database. ` +
      `Floor: [bench/lib/nest-floor-devis-server.js](lib/nest-floor-devis-server.js), the bare server's code in ` +
      `one controller of a minimal NestJS + Express app (the app's versions), its own process, the same pool size. ` +
      `Load: autocannon ${meta.autocannonVersion} in the bench process, ${o.connections} connections, pipelining ${o.pipelining}, ` +
      `${o.warmupRequests} warm-up requests per server, then ${o.duration} s per server in ${o.rounds} alternating rounds.`,
    '',
    'What each does per request. Both run the same two SQL statements one after the other: the devis ' +
      'with its lines aggregated to JSON by PostgreSQL (`json_agg`), then the 5 latest analyses with their ' +
      'count (`count(*) OVER ()`); then compute the TVA breakdown, category totals and French-formatted ' +
      "amounts, and JSON.stringify. The bare server copies the SQL of the app's `DevisRepository.findWithLines` " +
      'and `GptAnalysesRepository.recentByDevis`; the statements per request below check that the two still ' +
      'match. The app also authenticates the Bearer key (cached), applies the per-key hourly rate limit, ' +
      'counts usage (batched), validates the query string, runs Express middleware (helmet, CORS, request ' +
      'logging, metrics) and sends more headers (listed below); the bare server does none of that (that is the ' +
      'point of the comparison) and only knows this route by id. The floor runs the bare code through Nest ' +
      "and Express's request pipeline (routing, parameter binding, the JSON reply) and nothing else: floor / " +
      'bare is what the framework alone costs, app / floor what our own layers cost on top.',
    '',
    ...results.flatMap((r) => [renderMode(r), '']),
    `Reading the figures: autocannon, both servers and PostgreSQL share the ${m.cores} cores, so absolute ` +
      `req/s are lower than on dedicated machines; the ratio is what the goal is about. "server CPU" is the ` +
      `measured server process's CPU time over the run's wall time (100 % = one core); "PostgreSQL CPU" is ` +
      `that of the backends connected to the bench database (the queries' cost); "other CPU" is what the rest ` +
      `of the machine used meanwhile (builds, tests).`,
    '',
    `Reproduce: \`${meta.command}\``,
  ].join('\n');
}

module.exports = {
  id: 'gpt-devis',
  title: 'GPT devis read: app vs bare node:http + pg',
  run,
  summary,
  render,
  /** A result whose figures cannot be trusted makes the bench exit non-zero. */
  valid: (r) => r.problems.length === 0,
};
