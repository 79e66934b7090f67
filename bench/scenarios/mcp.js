'use strict';
// The MCP tool `getDevis` (POST /mcp, tools/call, protocol 2026-07-28, stateless) against the
// REST route it wraps, GET /api/gpt/devis/:id: same GPT key, same devis, same server, in
// alternating rounds. Goal: the server's CPU time per MCP call ≤ 1.3 × that of a REST call.
// The MCP request is the one the official client (@modelcontextprotocol/client) sends, captured
// through a logging proxy on loopback at the start of the run (bench/lib/mcp-wire.js) and
// replayed byte for byte; every answer of both routes must be byte-identical to the one checked
// before the run (JSON-RPC result whose structuredContent equals the REST body), so a tool error
// (an HTTP 200 too) is counted, never measured.
// In the same rounds, an SDK floor (bench/lib/mcp-floor-server.js: plain node:http, no Nest, no
// database) answers the same replayed tools/call through the same SDK entry with the REST body
// ready in memory, and the same body with res.end(json): the difference is what the SDK's HTTP
// entry costs by itself per call. If that alone exceeds (GOAL_RATIO − 1) × the app's REST CPU per
// call, no server built on that entry can meet the goal.
const assert = require('node:assert/strict');
const http = require('node:http');
const { compareWindows, findProfile, profileDir } = require('../lib/cpu-profile');
const { createDevisWithAnalyses } = require('../lib/fixtures');
const { fire, measureAlternating, summarize } = require('../lib/load');
const { captureToolCall, describeHeaders, replayable } = require('../lib/mcp-wire');
const { startMcpFloorServer } = require('../lib/mcp-floor-server');
const { caveatLines, fmt } = require('../lib/report');
const { productionNodeFlags, serverCommand } = require('../lib/server');

/** MCP server CPU per call ÷ REST server CPU per call. */
const GOAL_RATIO = 1.3;
/** What the goal leaves for all MCP adds over REST, as a fraction of REST (0.3). */
const SLACK = (GOAL_RATIO - 1).toFixed(1);
const PROTOCOL = '2026-07-28';
const TOOL = 'getDevis';
/** Cores used by other processes above which a round is run again (then flagged). */
const DISTURBED_CPU = 0.15;
/** MAX_RATE_LIMIT in src/gpt-keys/gpt-keys.service.ts: far above what one run can send. */
const RATE_LIMIT = 1_000_000;
const ANALYSIS_COUNT = 7;
const KEY_PATTERN = /torp_gpt_[A-Za-z0-9]{64}/;
const ID_PATTERN = /\(id ([0-9a-f-]{36})\)/;
/** Functions listed in a profiled run's report. */
const PROFILE_TOP = 15;

/** A GPT key, a staff user's 20-line devis and 7 analyses (as gpt-devis has). */
async function createData(ctx) {
  const out = await ctx.cli(['gpt:create-key', `Bench MCP ${ctx.mode.id}`, String(RATE_LIMIT)]);
  const key = KEY_PATTERN.exec(out)?.[0];
  const keyId = ID_PATTERN.exec(out)?.[1];
  if (!key || !keyId) throw new Error(`no key in the output of gpt:create-key:\n${out}`);
  const devisId = await createDevisWithAnalyses(ctx, key, {
    reference: `BENCH-MCP-${ctx.mode.id.toUpperCase()}`,
    email: `bench-mcp-${ctx.mode.id}@example.com`,
    analyses: ANALYSIS_COUNT,
  });
  return { key, keyId, devisId };
}

/** Sends `target` as it is (its headers only, no client defaults); resolves status, headers, body. */
function send(target) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      target.url,
      { method: target.method ?? 'GET', headers: target.headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(target.body);
  });
}

/** The JSON-RPC message of an MCP HTTP answer: a JSON body, or the one event of an SSE stream. */
function rpcMessage(res) {
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) {
    const data = res.body
      .split(/\r?\n\r?\n/)
      .flatMap((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')))
      .map((l) => l.slice(5).trim());
    assert.equal(data.length, 1, `expected one SSE event, got ${data.length}`);
    return JSON.parse(data[0]);
  }
  assert.match(type, /^application\/json/, `unexpected content-type ${type}`);
  return JSON.parse(res.body);
}

/**
 * An MCP answer must be the JSON-RPC result of the request sent (same id), not a tool error,
 * with structuredContent equal to the REST body and the same JSON as text.
 */
function checkToolAnswer(res, requestId, restJson) {
  assert.equal(res.status, 200, `MCP answered HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  const msg = rpcMessage(res);
  assert.equal(msg.jsonrpc, '2.0');
  assert.equal(msg.id, requestId, 'the JSON-RPC id is not the request’s');
  assert.ok(!msg.error, `JSON-RPC error: ${JSON.stringify(msg.error)}`);
  const { result } = msg;
  assert.ok(result, 'no JSON-RPC result');
  assert.ok(!result.isError, `tool error: ${JSON.stringify(result.content)?.slice(0, 300)}`);
  assert.deepStrictEqual(result.structuredContent, restJson, 'structuredContent ≠ the REST body');
  assert.equal(result.content?.[0]?.type, 'text');
  assert.deepStrictEqual(JSON.parse(result.content[0].text), restJson, 'text ≠ the REST body');
  return msg;
}

/**
 * The two answers every measured response must equal byte for byte (autocannon's expectBody):
 * checked for content, and proven stable by asking twice.
 */
async function expectedBodies(rest, mcp, requestId) {
  const r1 = await send(rest);
  assert.equal(r1.status, 200, `REST answered ${r1.status}: ${r1.body.slice(0, 300)}`);
  const restJson = JSON.parse(r1.body);
  assert.equal(restJson.id, rest.devisId, 'REST answered another devis');
  assert.equal(restJson.analysisCount, ANALYSIS_COUNT);
  const m1 = await send(mcp);
  checkToolAnswer(m1, requestId, restJson);
  const [r2, m2] = [await send(rest), await send(mcp)];
  assert.equal(r2.body, r1.body, 'two REST answers differ: cannot check every response');
  assert.equal(m2.body, m1.body, 'two MCP answers differ: cannot check every response');
  return { rest: r1, mcp: m1, restJson };
}

/**
 * The SDK floor's two answers, checked like the app's: GET /devis is the REST body byte for
 * byte; its MCP answer is a JSON-RPC result whose structuredContent (and text) equal the REST
 * body; both byte-stable over two calls.
 */
async function floorBodies(bare, mcp, requestId, expected) {
  const b1 = await send(bare);
  assert.equal(b1.status, 200, `SDK floor GET answered ${b1.status}: ${b1.body.slice(0, 300)}`);
  assert.equal(b1.body, expected.rest.body, 'SDK floor GET body ≠ the REST body');
  const m1 = await send(mcp);
  checkToolAnswer(m1, requestId, expected.restJson);
  const [b2, m2] = [await send(bare), await send(mcp)];
  assert.equal(b2.body, b1.body, 'two SDK floor GET answers differ');
  assert.equal(m2.body, m1.body, 'two SDK floor MCP answers differ: cannot check every response');
  return { bare: b1, mcp: m1 };
}

function loadProblems(label, s) {
  const problems = [];
  if (s.non2xx > 0)
    problems.push(`${label}: ${s.non2xx} non-2xx (${JSON.stringify(s.statusCodes)})`);
  if (s.mismatches > 0)
    problems.push(`${label}: ${s.mismatches} answers differ from the checked one (errors?)`);
  if (s.errors > 0) problems.push(`${label}: ${s.errors} errors (${s.timeouts} timeouts)`);
  return problems;
}

/** What the official client sent: its exchanges, the tools/call request to replay. */
function wireOf(capture, replay) {
  return {
    clientVersion: capture.clientVersion,
    negotiated: capture.negotiated,
    exchanges: capture.exchanges.map((e) => {
      let method = null;
      try {
        method = JSON.parse(e.body).method ?? null;
      } catch {
        // not JSON
      }
      return { http: `${e.method} ${e.path}`, method, status: e.response?.status ?? null };
    }),
    headers: describeHeaders(replay.headers),
    body: replay.body,
    responseType: capture.call.response?.headers['content-type'] ?? null,
  };
}

async function run(ctx) {
  const { server, options, log } = ctx;
  const { key, keyId, devisId } = await createData(ctx);
  log(`  devis ${devisId}: 20 lines, ${ANALYSIS_COUNT} analyses`);

  // 1. What a real 2026-07-28 client sends for this tools/call, through a logging proxy.
  const capture = await captureToolCall({
    baseUrl: server.baseUrl,
    headers: { authorization: `Bearer ${key}` },
    tool: TOOL,
    args: { id: devisId },
    protocolVersion: PROTOCOL,
  });
  const replay = replayable(capture.call);
  const requestId = JSON.parse(replay.body).id;
  const wire = wireOf(capture, replay);
  log(
    `  official client ${wire.clientVersion} (negotiated ${wire.negotiated}) sent ` +
      `${wire.exchanges.map((e) => e.method ?? e.http).join(', ')}; replaying its tools/call:`,
  );
  wire.headers.forEach((h) => log(`    ${h}`));
  log(`    ${wire.body}`);

  const rest = {
    route: 'rest',
    label: `GET /api/gpt/devis/:id`,
    url: `${server.baseUrl}/api/gpt/devis/${devisId}`,
    headers: { authorization: `Bearer ${key}` },
    devisId,
  };
  const mcp = {
    route: 'mcp',
    label: `MCP tools/call ${TOOL}`,
    url: `${server.baseUrl}${replay.path}`,
    method: replay.method,
    headers: replay.headers,
    body: replay.body,
  };

  // 2. The client's own view and the captured answer, then the replayed one: the same devis.
  const expected = await expectedBodies(rest, mcp, requestId);
  assert.deepStrictEqual(capture.result.structuredContent, expected.restJson);
  checkToolAnswer(capture.call.response, requestId, expected.restJson);
  rest.expectBody = expected.rest.body;
  mcp.expectBody = expected.mcp.body;
  const content = {
    restBytes: Buffer.byteLength(expected.rest.body),
    mcpBytes: Buffer.byteLength(expected.mcp.body),
    mcpType: expected.mcp.headers['content-type'],
    sameAsCaptured: expected.mcp.body === capture.call.response.body,
  };
  log(
    `  content check: structuredContent = REST body (${content.restBytes} bytes); MCP answer ` +
      `${content.mcpBytes} bytes (${content.mcpType}); every response must equal these`,
  );

  // 3. The SDK floor, in its own process with the server's node flags: the REST body ready in
  // memory, served through the same SDK entry (POST /mcp) and with res.end(json) (GET /devis).
  const floorServer = await startMcpFloorServer(expected.rest.body, {
    nodeArgs: [...productionNodeFlags(), ...options.serverNodeArgs],
  });
  try {
    const floorBare = {
      route: 'floorBare',
      label: 'SDK floor GET /devis (res.end)',
      url: `${floorServer.baseUrl}/devis`,
      pid: floorServer.pid,
    };
    const floorMcp = {
      route: 'floorMcp',
      label: `SDK floor MCP tools/call ${TOOL}`,
      url: `${floorServer.baseUrl}${replay.path}`,
      method: replay.method,
      headers: replay.headers,
      body: replay.body,
      pid: floorServer.pid,
    };
    const floorExpected = await floorBodies(floorBare, floorMcp, requestId, expected);
    floorBare.expectBody = floorExpected.bare.body;
    floorMcp.expectBody = floorExpected.mcp.body;
    content.floorMcpBytes = Buffer.byteLength(floorExpected.mcp.body);
    log(
      `  SDK floor content check: its MCP structuredContent and text = REST body, its GET = REST ` +
        `body byte for byte; MCP answer ${content.floorMcpBytes} bytes`,
    );
    const load = {
      connections: options.connections,
      pipelining: options.pipelining,
      serverPid: server.pid,
      services: ctx.services,
    };
    const problems = [];
    const targets = [rest, mcp, floorBare, floorMcp];
    log(`  warm-up: ${options.warmupRequests} requests per route`);
    for (const target of targets) {
      const warm = await fire(target, {
        ...load,
        serverPid: target.pid ?? load.serverPid,
        amount: options.warmupRequests,
      });
      log(`  warm-up ${target.label}: ${Math.round(warm.completed / warm.seconds)} req/s`);
      problems.push(...loadProblems(`warm-up ${target.label}`, warm));
    }

    log(`  measuring ${options.duration} s per route in ${options.rounds} alternating rounds`);
    const { runs, discarded } = await measureAlternating(targets, {
      ...load,
      duration: options.duration,
      rounds: options.rounds,
      quiet: { maxOtherCpu: DISTURBED_CPU, retries: options.retries },
      log,
    });
    const restS = summarize(runs.get('rest'));
    const mcpS = summarize(runs.get('mcp'));
    const floorBareS = summarize(runs.get('floorBare'));
    const floorMcpS = summarize(runs.get('floorMcp'));
    problems.push(...loadProblems(rest.label, restS), ...loadProblems(mcp.label, mcpS));
    problems.push(
      ...loadProblems(floorBare.label, floorBareS),
      ...loadProblems(floorMcp.label, floorMcpS),
    );
    // Still the same answers after the load.
    await expectedBodies(rest, mcp, requestId).then(
      (after) => {
        if (after.rest.body !== rest.expectBody || after.mcp.body !== mcp.expectBody)
          problems.push('after the runs: the answers changed');
      },
      (err) => problems.push(`after the runs: ${err.message}`),
    );
    await floorBodies(floorBare, floorMcp, requestId, expected).then(
      (after) => {
        if (after.bare.body !== floorBare.expectBody || after.mcp.body !== floorMcp.expectBody)
          problems.push('after the runs: the SDK floor answers changed');
      },
      (err) => problems.push(`after the runs, SDK floor: ${err.message}`),
    );
    await ctx.forgetRateLimit?.(keyId);

    const cpuRatio =
      restS.serverCpuPerRequestUs && mcpS.serverCpuPerRequestUs
        ? mcpS.serverCpuPerRequestUs / restS.serverCpuPerRequestUs
        : null;
    const perRound = (route) =>
      runs
        .get(route)
        .map((r) => (r.serverCpuMs === null ? NaN : (r.serverCpuMs * 1000) / r.completed));
    const otherCpu = Math.max(
      restS.otherCpu ?? 0,
      mcpS.otherCpu ?? 0,
      floorBareS.otherCpu ?? 0,
      floorMcpS.otherCpu ?? 0,
    );
    // Every run, kept or run again, for a profiled server: its samples are split by these.
    const windowsOf = (route) => {
      const all = [...runs.get(route), ...discarded.get(route)];
      return { windows: all.map((r) => r.window), calls: all.reduce((n, r) => n + r.completed, 0) };
    };
    return {
      mode: ctx.mode,
      devisId,
      rest: restS,
      mcp: mcpS,
      cpuRatio,
      goalMet: cpuRatio !== null && cpuRatio <= GOAL_RATIO,
      perRoundCpu: {
        rest: perRound('rest'),
        mcp: perRound('mcp'),
        floorBare: perRound('floorBare'),
        floorMcp: perRound('floorMcp'),
      },
      floor: sdkFloor(restS, mcpS, floorBareS, floorMcpS),
      redoneRounds: discarded.get('mcp').length,
      disturbed: otherCpu > DISTURBED_CPU ? otherCpu : null,
      content,
      wire,
      profiling: profileDir(options.serverNodeArgs)
        ? {
            dir: profileDir(options.serverNodeArgs),
            pid: server.pid,
            mcp: windowsOf('mcp'),
            rest: windowsOf('rest'),
          }
        : null,
      problems,
    };
  } finally {
    const exit = await floorServer.stop();
    if (exit?.code !== 0)
      log(`warning: the SDK floor exited with ${JSON.stringify(exit)}: ${floorServer.output()}`);
  }
}

/**
 * The SDK floor's figures and what they mean for the goal. An MCP call does the REST call's work
 * (auth, the query, the JSON) and answers through the SDK instead of res.end(json): the SDK's own
 * cost per call, floor MCP − floor GET (both with nothing else to do, the text not even
 * serialized per call), is a lower bound of what MCP adds to REST. The goal leaves
 * (GOAL_RATIO − 1) × REST for all of it; best ratio on that entry ≈ 1 + SDK cost ÷ REST.
 */
function sdkFloor(restS, mcpS, floorBareS, floorMcpS) {
  const restUs = restS.serverCpuPerRequestUs;
  const bareUs = floorBareS.serverCpuPerRequestUs;
  const mcpUs = floorMcpS.serverCpuPerRequestUs;
  const sdkUs = bareUs !== null && mcpUs !== null ? mcpUs - bareUs : null;
  const budgetUs = restUs !== null ? (GOAL_RATIO - 1) * restUs : null;
  return {
    bare: floorBareS,
    mcp: floorMcpS,
    sdkUs,
    budgetUs,
    /** What the app's MCP path adds to its REST route, per call (µs). */
    appExtraUs:
      restUs !== null && mcpS.serverCpuPerRequestUs !== null
        ? mcpS.serverCpuPerRequestUs - restUs
        : null,
    bestRatio: sdkUs !== null && restUs ? 1 + sdkUs / restUs : null,
    /** The SDK alone costs more than the goal allows: out of reach on the SDK's HTTP entry. */
    unreachable: sdkUs !== null && budgetUs !== null ? sdkUs > budgetUs : null,
  };
}

/** The SDK floor's conclusion, one sentence with its figures. */
function floorConclusion(r) {
  const f = r.floor;
  if (!f || f.unreachable === null) return 'n/a (no CPU figures off Linux)';
  const figures =
    `the SDK floor's own cost, ${us(f.sdkUs)} µs per call (floor MCP ${us(f.mcp.serverCpuPerRequestUs)} ` +
    `− floor GET ${us(f.bare.serverCpuPerRequestUs)}), is ${f.unreachable ? 'more' : 'less'} than the ` +
    `${us(f.budgetUs)} µs the goal allows over REST (${SLACK} × ${us(r.rest.serverCpuPerRequestUs)} µs); ` +
    `best ratio on the SDK's entry ≈ ${fmt.ratio(f.bestRatio)}`;
  return f.unreachable
    ? `${figures}: the ${GOAL_RATIO} goal cannot be met by any server built on the SDK's HTTP entry ` +
        '(createMcpHandler + toNodeHandler)'
    : `${figures}: the goal is within reach of the SDK; the app's own MCP layers cost the rest ` +
        `(app MCP − REST ${us(f.appExtraUs)} µs)`;
}

/**
 * A profiled server (BENCH_SERVER_NODE_ARGS with --cpu-prof and --cpu-prof-dir) writes its
 * profile when it exits, after `run`: read once, at render time.
 */
function profileFindings(r) {
  if (!r.profiling) return null;
  if (r.profiling.findings !== undefined) return r.profiling.findings;
  const file = findProfile(r.profiling.dir, r.profiling.pid);
  let findings = null;
  if (file) {
    const profile = JSON.parse(require('node:fs').readFileSync(file, 'utf8'));
    findings = { file, ...compareWindows(profile, r.profiling.mcp, r.profiling.rest) };
  }
  r.profiling.findings = findings;
  return findings;
}

const us = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : fmt.int(n)) : 'n/a');

function verdict(r) {
  return r.cpuRatio === null
    ? 'n/a (no CPU figures off Linux)'
    : r.goalMet
      ? `PASS (goal ≤ ${GOAL_RATIO})`
      : `MISSED the goal of ≤ ${GOAL_RATIO}`;
}

function summary(r) {
  const f = r.profiling?.findings;
  return [
    `[${r.mode.id}] MCP / REST server CPU per call = ${r.cpuRatio === null ? 'n/a' : fmt.ratio(r.cpuRatio)} ` +
      `(${fmt.int(r.mcp.serverCpuPerRequestUs)} / ${fmt.int(r.rest.serverCpuPerRequestUs)} µs): ${verdict(r)}` +
      (r.disturbed ? ', INCONCLUSIVE: disturbed by other processes' : ''),
    `[${r.mode.id}] p50/p99 ms: REST ${fmt.ms(r.rest.p50)}/${fmt.ms(r.rest.p99)}, ` +
      `MCP ${fmt.ms(r.mcp.p50)}/${fmt.ms(r.mcp.p99)}; req/s REST ${fmt.int(r.rest.rps)}, MCP ${fmt.int(r.mcp.rps)}`,
    ...floorSummary(r),
    `[${r.mode.id}] content check: every answer equal to the checked one ` +
      `(REST ${fmt.int(r.rest.completed)}, MCP ${fmt.int(r.mcp.completed)}; mismatches ${r.rest.mismatches + r.mcp.mismatches})`,
    ...(f
      ? [
          `[${r.mode.id}] profile: busy µs per call MCP ${us(f.a.busyUs)}, REST ${us(f.b.busyUs)}; MCP-only self time per call:`,
          ...f.fns
            .filter((x) => x.onlyA)
            .slice(0, 8)
            .map((x) => `[${r.mode.id}]   ${us(x.aUs).padStart(5)} µs  ${x.owner}  ${x.key}`),
        ]
      : []),
    ...(r.disturbed
      ? [`[${r.mode.id}] warning: other processes used ${fmt.pct(r.disturbed)} of a core meanwhile`]
      : []),
    ...r.problems.map((p) => `[${r.mode.id}] PROBLEM: ${p}`),
  ];
}

function floorSummary(r) {
  const f = r.floor;
  if (!f) return [];
  return [
    `[${r.mode.id}] SDK floor (node:http, no I/O) server CPU per call: MCP tools/call ` +
      `${fmt.int(f.mcp.serverCpuPerRequestUs)} µs, GET res.end ${fmt.int(f.bare.serverCpuPerRequestUs)} µs; ` +
      `SDK's own cost ${us(f.sdkUs)} µs per call (app MCP − REST ${us(f.appExtraUs)} µs); ` +
      `req/s MCP ${fmt.int(f.mcp.rps)}, GET ${fmt.int(f.bare.rps)}`,
    `[${r.mode.id}] SDK floor verdict: ${floorConclusion(r)}` +
      (r.disturbed ? ' (INCONCLUSIVE: disturbed run)' : ''),
  ];
}

function routeRow(label, s) {
  return `| ${label} | ${fmt.int(s.serverCpuPerRequestUs)} | ${fmt.int(s.pgCpuPerRequestUs)} | ${fmt.ms(s.p50)} | ${fmt.ms(s.p99)} | ${fmt.int(s.rps)} | ${fmt.int(s.completed)} | ${fmt.int(s.non2xx)} | ${fmt.int(s.mismatches)} | ${fmt.int(s.errors)} | ${fmt.pct(s.serverCpu)} | ${fmt.pct(s.loadCpu)} | ${fmt.pct(s.otherCpu)} |`;
}

function profileLines(r) {
  const f = profileFindings(r);
  if (!r.profiling) return [];
  if (!f)
    return [
      '',
      `No CPU profile of the server (pid ${r.profiling.pid}) found in ${r.profiling.dir}.`,
    ];
  const onlyMcp = f.fns.filter((x) => x.onlyA).slice(0, PROFILE_TOP);
  const more = f.fns.filter((x) => !x.onlyA && x.extraUs > 0).slice(0, 5);
  return [
    '',
    `**CPU profile** (this run was profiled, \`${f.file.split('/').pop()}\`, one sample every ` +
      `${Math.round(f.interval)} µs: the figures above include the profiler's overhead). Samples taken while ` +
      `each route was under load: busy ${us(f.a.busyUs)} µs per MCP call, ${us(f.b.busyUs)} µs per REST call ` +
      '(JS, GC and native time of the main thread; idle left out).',
    '',
    'Self time per call of functions the MCP path runs and the REST path never ran:',
    '',
    '| µs per MCP call | package | function |',
    '|--:|---|---|',
    ...onlyMcp.map((x) => `| ${us(x.aUs)} | ${x.owner} | \`${x.key}\` |`),
    '',
    'MCP-only frames by the time spent in and under them per MCP call (the synchronous part of ' +
      'their subtree; nested frames overlap): ' +
      f.inclusive
        .slice(0, PROFILE_TOP)
        .map((x) => `\`${x.key}\` ${us(x.aUs)} µs`)
        .join('; ') +
      '.',
    '',
    'Functions both run, the most extra self time per MCP call: ' +
      more
        .map((x) => `\`${x.key}\` +${us(x.extraUs)} µs (${us(x.aUs)} vs ${us(x.bUs)})`)
        .join('; ') +
      '.',
    '',
    'By package (self time per call, MCP vs REST): ' +
      f.owners
        .filter((o) => Math.abs(o.extraUs) >= 1)
        .slice(0, 10)
        .map((o) => `${o.owner} ${us(o.aUs)} vs ${us(o.bUs)}`)
        .join('; ') +
      '.',
  ];
}

function floorBullet(r) {
  const f = r.floor;
  return (
    `- **SDK floor** ([lib/mcp-floor-server.js](lib/mcp-floor-server.js), plain \`node:http\`, no I/O): ` +
    `server CPU per call MCP ${fmt.int(f.mcp.serverCpuPerRequestUs)} µs, \`GET\` ` +
    `${fmt.int(f.bare.serverCpuPerRequestUs)} µs, so the SDK's own cost is **${us(f.sdkUs)} µs per call** ` +
    `(the app's MCP path adds ${us(f.appExtraUs)} µs to its REST route). The goal allows MCP ` +
    `${SLACK} × REST = ${us(f.budgetUs)} µs over REST in all: ` +
    (f.unreachable === null
      ? 'n/a (no CPU figures off Linux).'
      : f.unreachable
        ? `**the SDK's HTTP entry alone costs more, so the ${GOAL_RATIO} goal cannot be met by any server built ` +
          `on it** (\`createMcpHandler\` + \`toNodeHandler\`; best ratio ≈ 1 + ${us(f.sdkUs)} ÷ ` +
          `${us(r.rest.serverCpuPerRequestUs)} = ${fmt.ratio(f.bestRatio)}).`
        : `the SDK leaves room for it (best ratio ≈ ${fmt.ratio(f.bestRatio)}); the app's own MCP layers ` +
          'cost the rest.') +
    ` Per round, floor µs per call: GET ${r.perRoundCpu.floorBare.map(fmt.int).join(', ')}; ` +
    `MCP ${r.perRoundCpu.floorMcp.map(fmt.int).join(', ')}.` +
    (r.disturbed ? ' (Inconclusive: disturbed run.)' : '')
  );
}

function renderMode(r) {
  const w = r.wire;
  const lines = [
    `### Rate-limit storage: ${r.mode.label}`,
    '',
    '| Route | server CPU µs/call | PostgreSQL CPU µs/call | p50 ms | p99 ms | req/s | calls | non-2xx | wrong answer | errors | server CPU | autocannon CPU | other CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    routeRow('`GET /api/gpt/devis/:id` (REST)', r.rest),
    routeRow(`\`POST /mcp\` \`tools/call\` \`${TOOL}\` (MCP ${PROTOCOL})`, r.mcp),
    ...(r.floor
      ? [
          routeRow('SDK floor: `GET /devis`, `res.end(json)`', r.floor.bare),
          routeRow(
            `SDK floor: \`POST /mcp\` \`tools/call\` \`${TOOL}\` (same request)`,
            r.floor.mcp,
          ),
        ]
      : []),
    '',
    `- **Ratio** MCP / REST server CPU per call: **${r.cpuRatio === null ? 'n/a' : fmt.ratio(r.cpuRatio)}** ` +
      `(goal ≤ ${GOAL_RATIO}): **${r.cpuRatio === null ? 'n/a' : r.goalMet ? 'PASS' : 'FAIL'}` +
      `${r.disturbed ? ' (inconclusive: disturbed run, see below)' : ''}**. ` +
      `Per round, server µs per call: REST ${r.perRoundCpu.rest.map(fmt.int).join(', ')}; ` +
      `MCP ${r.perRoundCpu.mcp.map(fmt.int).join(', ')}. ` +
      `Latency p50 / p99: REST ${fmt.ms(r.rest.p50)} / ${fmt.ms(r.rest.p99)} ms, MCP ${fmt.ms(r.mcp.p50)} / ${fmt.ms(r.mcp.p99)} ms.` +
      (r.redoneRounds > 0
        ? ` ${r.redoneRounds} round(s) were run again because other processes disturbed them.`
        : ''),
    ...(r.floor ? [floorBullet(r)] : []),
    `- **Content check**: before the runs, the MCP answer is a JSON-RPC result (the request's id, no \`isError\`) ` +
      `whose \`structuredContent\` and text content both equal the REST body of the same devis ` +
      `(deep equality; ${ANALYSIS_COUNT} analyses), as the official client also received it; both answers were ` +
      `byte-stable over two calls, and every measured response had to equal them byte for byte ` +
      `("wrong answer" counts the others). Answers: REST ${fmt.int(r.content.restBytes)} bytes, ` +
      `MCP ${fmt.int(r.content.mcpBytes)} bytes (\`${r.content.mcpType}\`: the devis twice, as structured ` +
      'content and as text). Checked again after the runs.' +
      (r.floor
        ? ` The SDK floor was checked the same way: its \`GET /devis\` answers the REST body byte for byte, its ` +
          `MCP answer (${fmt.int(r.content.floorMcpBytes)} bytes) is a JSON-RPC result of the same id whose ` +
          '`structuredContent` and text equal the REST body; every measured response had to equal them.'
        : ''),
    `- **Wire format** (official client \`@modelcontextprotocol/client\` ${w.clientVersion}, ` +
      `\`versionNegotiation: { mode: { pin: '${PROTOCOL}' } }\`, negotiated ${w.negotiated}, captured through a ` +
      `logging proxy on loopback): it sent ${w.exchanges.map((e) => `\`${e.method ?? e.http}\` (${e.status})`).join(', ')}; ` +
      'the bench replays its `tools/call` request, headers as sent (hop-by-hop ones left to the load ' +
      'generator) and body byte for byte:',
    '',
    '```http',
    `POST /mcp`,
    ...w.headers,
    '',
    w.body.replace(r.devisId, '<devis id>'),
    '```',
  ];
  lines.push(...profileLines(r));
  lines.push(...caveatLines(r));
  return lines.join('\n');
}

function render(results, meta) {
  const o = meta.options;
  const m = meta.machine;
  return [
    `## MCP tools/call vs REST: ${TOOL}`,
    '',
    `Goal: the MCP tool \`${TOOL}\` (\`POST /mcp\`, \`tools/call\`, protocol ${PROTOCOL}, stateless) costs the ` +
      `server ≤ ${GOAL_RATIO} × the CPU time per call of the REST route it wraps, \`GET /api/gpt/devis/:id\` ` +
      '(same GPT key, same devis, same server, same machine, one run).',
    '',
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}; ` +
      `Node ${m.node}; PostgreSQL ${meta.pgVersion}${meta.redisVersion ? `; Redis ${meta.redisVersion}` : ''}. ` +
      `Server: \`${serverCommand(o.serverNodeArgs)}\`, NODE_ENV=production, LOG_LEVEL=warn, a fresh database, ` +
      `a 20-line devis with ${ANALYSIS_COUNT} analyses, one GPT key limited to ${fmt.int(RATE_LIMIT)}/h (nothing throttled) ` +
      `for both routes. Load: autocannon ${meta.autocannonVersion} in the bench process, ${o.connections} connections, ` +
      `pipelining ${o.pipelining}, ${o.warmupRequests} warm-up requests per route, then ${o.duration} s per route in ` +
      `${o.rounds} alternating rounds (a round disturbed by other processes, above ${fmt.pct(DISTURBED_CPU)} of a core, is run again).`,
    '',
    'What each does per call. Both pass the same Express middleware (helmet, CORS, request logging, ' +
      'metrics) and the GPT key guard (cached key, hourly limit, batched usage count), then run the same ' +
      "controller method and the same two SQL statements. REST serializes the result once. MCP's controller " +
      "hands the exchange to the SDK's stateless handler (`@modelcontextprotocol/node` → `createMcpHandler`): " +
      'request conversion, the body read and JSON-RPC parsed and validated, protocol headers checked against ' +
      "the body, a fresh `Server` per request, `tools/call` dispatched to the route handler through Nest's " +
      'pipes and interceptors, a tool-call record (batched insert) and a metric; the result is serialized ' +
      'twice (the text content) and sent as one JSON-RPC response.',
    '',
    "SDK floor ([lib/mcp-floor-server.js](lib/mcp-floor-server.js), its own process, the server's node flags): " +
      'a plain `node:http` server, no Nest, no database, no auth, serving the REST body it was given ' +
      '(kept in memory, parsed once) on two routes, measured in the same rounds with the same load: ' +
      '`POST /mcp` through exactly the SDK entry the app uses (`createMcpHandler` with `legacy: ' +
      "'stateless'`, `toNodeHandler`, a fresh low-level `Server` per request with `tools/list` and " +
      '`tools/call` handlers), answering the same replayed `tools/call` with the body as `structuredContent` ' +
      'plus the same JSON as text; and `GET /devis`, `res.end(json)`. Floor MCP − floor GET is what the ' +
      "SDK's HTTP entry costs per call by itself (a lower bound: the text is not even serialized per call). " +
      `If it alone exceeds ${SLACK} × the app's REST CPU per call, no server on that entry ` +
      'can meet the goal, whatever its own code does.',
    '',
    ...results.flatMap((r) => [renderMode(r), '']),
    `Reading the figures: autocannon, the server and PostgreSQL share the ${m.cores} cores, so req/s and ` +
      'latencies depend on the machine; server CPU per call, read from /proc for the server process over each ' +
      "run, is the figure the goal is about. Latency percentiles leave out each connection's first response " +
      '(see bench/lib/load.js). "PostgreSQL CPU" is that of the bench database\'s backends (the same queries; ' +
      'MCP adds the batched tool-call records); "other CPU" is what the rest of the machine used meanwhile. ' +
      'Profile: `BENCH_SCENARIOS=mcp BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/mcp-prof" npm run bench` ' +
      'adds the functions the MCP path spends its extra time in (samples split by the time windows of each route).',
    '',
    `Reproduce: \`${meta.command}\``,
  ].join('\n');
}

module.exports = {
  id: 'mcp',
  title: `MCP tools/call vs REST: ${TOOL}`,
  run,
  summary,
  render,
  /** A result whose figures cannot be trusted makes the bench exit non-zero. */
  valid: (r) => r.problems.length === 0,
};
