'use strict';
// The MCP tool `getDevis` (POST /mcp, tools/call, protocol 2026-07-28, stateless) against the
// REST route it wraps, GET /api/gpt/devis/:id: same GPT key, same devis, same server, in
// alternating rounds. Goal: the server's CPU time per MCP call ≤ 1.3 × that of a REST call.
// The MCP request is the one the official client (@modelcontextprotocol/client) sends, captured
// through a logging proxy on loopback at the start of the run (bench/lib/mcp-wire.js) and
// replayed byte for byte; every answer of both routes must be byte-identical to the one checked
// before the run (JSON-RPC result whose structuredContent equals the REST body), so a tool error
// (an HTTP 200 too) is counted, never measured.
const assert = require('node:assert/strict');
const http = require('node:http');
const { compareWindows, findProfile, profileDir } = require('../lib/cpu-profile');
const { expectStatus, analysisBody, devisBody, loginNewUser } = require('../lib/fixtures');
const { fire, measureAlternating, summarize } = require('../lib/load');
const { captureToolCall, describeHeaders, replayable } = require('../lib/mcp-wire');
const { caveatLines, fmt } = require('../lib/report');
const { serverCommand } = require('../lib/server');

/** MCP server CPU per call ÷ REST server CPU per call. */
const GOAL_RATIO = 1.3;
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
  const base = ctx.server.baseUrl;
  const token = await loginNewUser(ctx.cli, base, `bench-mcp-${ctx.mode.id}@example.com`, 'staff');
  const created = await expectStatus('POST', `${base}/api/devis`, 201, {
    token,
    body: devisBody(`BENCH-MCP-${ctx.mode.id.toUpperCase()}`),
  });
  const devisId = created.json().id;
  for (let i = 0; i < ANALYSIS_COUNT; i++) {
    await expectStatus('POST', `${base}/api/gpt/analysis`, 201, {
      token: key,
      body: analysisBody(devisId, i),
    });
  }
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

  const load = {
    connections: options.connections,
    pipelining: options.pipelining,
    serverPid: server.pid,
    services: ctx.services,
  };
  const problems = [];
  const targets = [rest, mcp];
  log(`  warm-up: ${options.warmupRequests} requests per route`);
  for (const target of targets) {
    const warm = await fire(target, { ...load, amount: options.warmupRequests });
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
  problems.push(...loadProblems(rest.label, restS), ...loadProblems(mcp.label, mcpS));
  // Still the same answers after the load.
  await expectedBodies(rest, mcp, requestId).then(
    (after) => {
      if (after.rest.body !== rest.expectBody || after.mcp.body !== mcp.expectBody)
        problems.push('after the runs: the answers changed');
    },
    (err) => problems.push(`after the runs: ${err.message}`),
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
  const otherCpu = Math.max(restS.otherCpu ?? 0, mcpS.otherCpu ?? 0);
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
    perRoundCpu: { rest: perRound('rest'), mcp: perRound('mcp') },
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

function renderMode(r) {
  const w = r.wire;
  const lines = [
    `### Rate-limit storage: ${r.mode.label}`,
    '',
    '| Route | server CPU µs/call | PostgreSQL CPU µs/call | p50 ms | p99 ms | req/s | calls | non-2xx | wrong answer | errors | server CPU | autocannon CPU | other CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    routeRow('`GET /api/gpt/devis/:id` (REST)', r.rest),
    routeRow(`\`POST /mcp\` \`tools/call\` \`${TOOL}\` (MCP ${PROTOCOL})`, r.mcp),
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
    `- **Content check**: before the runs, the MCP answer is a JSON-RPC result (the request's id, no \`isError\`) ` +
      `whose \`structuredContent\` and text content both equal the REST body of the same devis ` +
      `(deep equality; ${ANALYSIS_COUNT} analyses), as the official client also received it; both answers were ` +
      `byte-stable over two calls, and every measured response had to equal them byte for byte ` +
      `("wrong answer" counts the others). Answers: REST ${fmt.int(r.content.restBytes)} bytes, ` +
      `MCP ${fmt.int(r.content.mcpBytes)} bytes (\`${r.content.mcpType}\`: the devis twice, as structured ` +
      'content and as text). Checked again after the runs.',
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
