'use strict';
// POST /api/llm/chat (user token, key lookup and decryption, the AI SDK client, conversation
// storage, usage log) against a loopback OpenAI-compatible provider, versus calling that provider
// directly, in the same run with the same 20 concurrent clients. Goal: the proxy adds ≤ 1 ms at
// p50 and ≤ 3 ms at p99 to a whole answer, and ≤ 1 ms at p50 to the first byte of a stream.
// Two floors run in the same rounds: a bare node:http + fetch pass-through (the least any proxy
// can add) and a minimal NestJS + `ai` SDK proxy (the least the prescribed stack can add).
const { startBareLlmProxy } = require('../lib/bare-llm-proxy');
const { startNestFloorLlmProxy } = require('../lib/nest-floor-llm-proxy');
const { runClients } = require('../lib/http-clients');
const {
  MESSAGE,
  acquireFakeOpenAi,
  checkChatReply,
  checkChatStream,
  checkDone,
  checkOpenAiCompletion,
  createLlmUser,
  measure,
  percentile,
  summarize,
  waitForUsageRows,
} = require('../lib/llm-targets');
const { sleep } = require('../lib/postgres');
const { caveatLines, fmt } = require('../lib/report');

const CLIENTS = 20;
/** Requests per route of the one-client reference run. */
const SEQUENTIAL_REQUESTS = 300;
const GOALS = { p50: 1, p99: 3, ttfbP50: 1 };
/** Cores used by other processes above which the figures are flagged as disturbed. */
const DISTURBED_CPU = 0.25;
const MODEL = 'gpt-4-turbo-preview';

/**
 * Before the server starts: the loopback provider (shared with the other LLM scenarios of the
 * mode), and OPENAI_BASE_URL pointing at it.
 */
async function prepare({ log, defer }) {
  const provider = await acquireFakeOpenAi(log);
  const { fake } = provider;
  const bare = await startBareLlmProxy(`${fake.baseUrl}/v1`);
  log(`Bare pass-through proxy (node:http + fetch) on ${bare.baseUrl} (pid ${bare.pid})`);
  const nestFloor = await startNestFloorLlmProxy(`${fake.baseUrl}/v1`);
  log(`NestJS + ai SDK floor proxy on ${nestFloor.baseUrl} (pid ${nestFloor.pid})`);
  const stop = defer('stop the loopback LLM provider and the floor proxies', async () => {
    await nestFloor.stop();
    await bare.stop();
    await provider.release();
  });
  return { env: { OPENAI_BASE_URL: `${fake.baseUrl}/v1` }, fake, bare, nestFloor, stop };
}

/** A floor proxy (bench/lib): POST /chat { message, stream? }. */
function passThrough(route, server, stream, check) {
  return {
    route,
    url: `${server.baseUrl}/chat`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(stream ? { message: MESSAGE, stream: true } : { message: MESSAGE }),
    check,
  };
}

function targets(ctx, { token, apiKey }) {
  const json = (body) => JSON.stringify(body);
  const provider = `${ctx.prepared.fake.baseUrl}/v1/chat/completions`;
  const proxy = `${ctx.server.baseUrl}/api/llm/chat`;
  const directHeaders = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  const proxyHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const messages = [{ role: 'user', content: MESSAGE }];
  return {
    direct: {
      route: 'provider directly',
      url: provider,
      method: 'POST',
      headers: directHeaders,
      body: json({ model: MODEL, messages }),
      check: checkOpenAiCompletion,
    },
    proxy: {
      route: 'POST /api/llm/chat',
      url: proxy,
      method: 'POST',
      headers: proxyHeaders,
      body: json({ provider: 'openai', message: MESSAGE }),
      check: checkChatReply,
    },
    directStream: {
      route: 'provider directly, stream',
      url: provider,
      method: 'POST',
      headers: directHeaders,
      body: json({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } }),
      check: checkDone,
    },
    bare: passThrough('bare pass-through proxy', ctx.prepared.bare, false, checkChatReply),
    bareStream: passThrough('bare pass-through proxy, stream', ctx.prepared.bare, true, checkDone),
    proxyStream: {
      route: 'POST /api/llm/chat, stream',
      url: proxy,
      method: 'POST',
      headers: proxyHeaders,
      body: json({ provider: 'openai', message: MESSAGE, stream: true }),
      check: checkChatStream,
    },
    nestFloor: {
      ...passThrough('NestJS + ai SDK floor proxy', ctx.prepared.nestFloor, false, checkChatReply),
      pid: ctx.prepared.nestFloor.pid,
    },
    nestFloorStream: {
      ...passThrough(
        'NestJS + ai SDK floor proxy, stream',
        ctx.prepared.nestFloor,
        true,
        checkChatStream,
      ),
      pid: ctx.prepared.nestFloor.pid,
    },
  };
}

async function run(ctx) {
  const { options, log, db } = ctx;
  const setup = await createLlmUser(ctx, 'llm');
  const t = targets(ctx, setup);
  const pids = {
    server: ctx.server.pid,
    fake: ctx.prepared.fake.pid,
    bare: ctx.prepared.bare.pid,
    nestFloor: ctx.prepared.nestFloor.pid,
  };
  const problems = [];
  const proxied = { sent: 0 };

  const warm = Math.max(CLIENTS, Math.min(options.warmupRequests, 1000));
  log(`  warm-up: ${warm} requests per route, ${CLIENTS} clients`);
  for (const target of Object.values(t)) {
    const r = await runClients(target, { clients: CLIENTS, amount: warm });
    problems.push(...r.problems);
    if (target === t.proxy || target === t.proxyStream) proxied.sent += r.sent;
  }

  const pairs = [
    [t.direct, t.proxy, t.bare, t.nestFloor],
    [t.directStream, t.proxyStream, t.bareStream, t.nestFloorStream],
  ];
  const runs = new Map(Object.values(t).map((x) => [x.route, []]));
  const seconds = Math.max(1, options.duration / options.rounds);
  log(`  measuring ${options.duration} s per route in ${options.rounds} alternating rounds`);
  for (let round = 0; round < options.rounds; round++) {
    for (const pair of pairs) {
      for (const target of round % 2 === 0 ? pair : [...pair].reverse()) {
        const r = await measure(target, { clients: CLIENTS, seconds }, pids, ctx.services);
        runs.get(target.route).push(r);
        if (target === t.proxy || target === t.proxyStream) proxied.sent += r.sent;
        log(
          `  round ${round + 1}/${options.rounds} ${target.route}: ${fmt.int(r.completed / r.seconds)} req/s, ` +
            `p50 ${fmt.ms(percentile(r.latencies, 50))} ms`,
        );
        await sleep(200);
      }
    }
  }
  const s = Object.fromEntries(
    Object.entries(t).map(([k, target]) => [k, summarize(runs.get(target.route))]),
  );

  // For reference, one client at a time: the proxy's cost without queueing behind other calls.
  log(`  one client: ${SEQUENTIAL_REQUESTS} requests per route`);
  const single = {};
  for (const [k, target] of Object.entries(t)) {
    const r = await measure(
      target,
      { clients: 1, amount: SEQUENTIAL_REQUESTS },
      pids,
      ctx.services,
    );
    if (target === t.proxy || target === t.proxyStream) proxied.sent += r.sent;
    problems.push(...r.problems);
    single[k] = summarize([r]);
  }
  for (const x of Object.values(s)) {
    if (x.failed > 0) problems.push(`${x.route}: ${x.failed} failed requests`, ...x.problems);
  }

  // Every proxied call, stream or not, leaves one usage log row (written in batches, ~1 s).
  const logged = await waitForUsageRows(db, setup.keyId, proxied.sent);
  if (logged !== proxied.sent) {
    problems.push(`${logged} usage log rows for ${proxied.sent} proxied calls`);
  }

  const added = {
    p50: s.proxy.p50 - s.direct.p50,
    p99: s.proxy.p99 - s.direct.p99,
    ttfbP50: s.proxyStream.ttfbP50 - s.directStream.ttfbP50,
    ttfbP99: s.proxyStream.ttfbP99 - s.directStream.ttfbP99,
    streamP50: s.proxyStream.p50 - s.directStream.p50,
  };
  /** What a proxy adds to calling the provider directly (JSON and stream, 20 and 1 clients). */
  const addedBy = (json, stream) => ({
    p50: s[json].p50 - s.direct.p50,
    p99: s[json].p99 - s.direct.p99,
    ttfbP50: s[stream].ttfbP50 - s.directStream.ttfbP50,
    singleP50: single[json].p50 - single.direct.p50,
    singleTtfbP50: single[stream].ttfbP50 - single.directStream.ttfbP50,
  });
  // What the bare pass-through adds: the floor for any proxy on this machine.
  const floor = addedBy('bare', 'bareStream');
  // What a minimal NestJS + ai SDK proxy adds: the floor of the stack the issue prescribes.
  const nestFloor = {
    ...addedBy('nestFloor', 'nestFloorStream'),
    cpuUs: s.nestFloor.serverCpuPerRequestUs,
    streamCpuUs: s.nestFloorStream.serverCpuPerRequestUs,
  };
  const otherCpu = Math.max(...Object.values(s).map((x) => x.otherCpu));
  return {
    mode: ctx.mode,
    routes: s,
    single,
    singleAdded: {
      p50: single.proxy.p50 - single.direct.p50,
      p99: single.proxy.p99 - single.direct.p99,
      ttfbP50: single.proxyStream.ttfbP50 - single.directStream.ttfbP50,
    },
    added,
    floor,
    nestFloor,
    goals: {
      p50: added.p50 <= GOALS.p50,
      p99: added.p99 <= GOALS.p99,
      ttfbP50: added.ttfbP50 <= GOALS.ttfbP50,
    },
    logged,
    proxiedSent: proxied.sent,
    disturbed: otherCpu > DISTURBED_CPU ? otherCpu : null,
    problems,
  };
}

const verdict = (ok) => (ok ? 'PASS' : 'MISSED');

function summary(r) {
  const a = r.added;
  return [
    `[${r.mode.id}] LLM proxy added latency (${CLIENTS} clients): p50 +${fmt.ms(a.p50)} ms ` +
      `(${verdict(r.goals.p50)}, goal ≤ ${GOALS.p50}), p99 +${fmt.ms(a.p99)} ms (${verdict(r.goals.p99)}, goal ≤ ${GOALS.p99}); ` +
      `stream first byte p50 +${fmt.ms(a.ttfbP50)} ms (${verdict(r.goals.ttfbP50)}, goal ≤ ${GOALS.ttfbP50})` +
      (r.disturbed ? ', INCONCLUSIVE: disturbed by other processes' : ''),
    `[${r.mode.id}] p50/p99 ms: direct ${fmt.ms(r.routes.direct.p50)}/${fmt.ms(r.routes.direct.p99)}, ` +
      `proxy ${fmt.ms(r.routes.proxy.p50)}/${fmt.ms(r.routes.proxy.p99)}; server CPU ` +
      `${fmt.int(r.routes.proxy.serverCpuPerRequestUs)} µs per proxied call, ` +
      `${fmt.int(r.routes.proxyStream.serverCpuPerRequestUs)} µs per proxied stream`,
    `[${r.mode.id}] one client at a time: added p50 +${fmt.ms(r.singleAdded.p50)} ms, ` +
      `p99 +${fmt.ms(r.singleAdded.p99)} ms, stream first byte p50 +${fmt.ms(r.singleAdded.ttfbP50)} ms`,
    `[${r.mode.id}] floor (bare node:http + fetch pass-through): adds p50 +${fmt.ms(r.floor.p50)} ms, ` +
      `p99 +${fmt.ms(r.floor.p99)} ms, stream first byte p50 +${fmt.ms(r.floor.ttfbP50)} ms (${CLIENTS} clients); ` +
      `one client p50 +${fmt.ms(r.floor.singleP50)} ms`,
    `[${r.mode.id}] NestJS + ai SDK floor: adds p50 +${fmt.ms(r.nestFloor.p50)} ms, ` +
      `p99 +${fmt.ms(r.nestFloor.p99)} ms, stream first byte p50 +${fmt.ms(r.nestFloor.ttfbP50)} ms; ` +
      `${fmt.int(r.nestFloor.cpuUs)} µs CPU per call (app ${fmt.int(r.routes.proxy.serverCpuPerRequestUs)})`,
    ...r.problems.map((p) => `[${r.mode.id}] PROBLEM: ${p}`),
  ];
}

function row(label, x, { viaServer }) {
  const cpu = viaServer ? fmt.int(x.serverCpuPerRequestUs) : 'n/a';
  return `| ${label} | ${fmt.int(x.rps)} | ${fmt.ms(x.p50)} | ${fmt.ms(x.p99)} | ${fmt.ms(x.ttfbP50)} | ${fmt.ms(x.ttfbP99)} | ${fmt.int(x.completed)} | ${fmt.int(x.failed)} | ${cpu} | ${fmt.pct(x.otherCpu)} |`;
}

function renderMode(r) {
  const a = r.added;
  const lines = [
    `### ${r.mode.label}`,
    '',
    '| Route | req/s | p50 ms | p99 ms | first byte p50 ms | first byte p99 ms | requests | failed | server CPU µs/req | other CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    row('provider directly', r.routes.direct, { viaServer: false }),
    row('`POST /api/llm/chat`', r.routes.proxy, { viaServer: true }),
    row('provider directly, stream', r.routes.directStream, { viaServer: false }),
    row('`POST /api/llm/chat`, `stream: true`', r.routes.proxyStream, { viaServer: true }),
    row('bare pass-through (node:http + fetch)', r.routes.bare, { viaServer: false }),
    row('bare pass-through, stream', r.routes.bareStream, { viaServer: false }),
    row('NestJS + `ai` SDK floor', r.routes.nestFloor, { viaServer: true }),
    row('NestJS + `ai` SDK floor, stream', r.routes.nestFloorStream, { viaServer: true }),
    '',
    '"other CPU": cores used by the rest of the machine during the run (not the server, the provider, ' +
      'the other proxies, the load, PostgreSQL or Redis); above ' +
      `${fmt.pct(DISTURBED_CPU)} the run is flagged as disturbed.`,
    '',
    `- **Added latency** of a whole answer: p50 **+${fmt.ms(a.p50)} ms** (goal ≤ ${GOALS.p50}: ` +
      `**${verdict(r.goals.p50)}**), p99 **+${fmt.ms(a.p99)} ms** (goal ≤ ${GOALS.p99}: **${verdict(r.goals.p99)}**).`,
    `- **Added time to first byte** of a stream: p50 **+${fmt.ms(a.ttfbP50)} ms** (goal ≤ ${GOALS.ttfbP50}: ` +
      `**${verdict(r.goals.ttfbP50)}**), p99 +${fmt.ms(a.ttfbP99)} ms; whole stream p50 +${fmt.ms(a.streamP50)} ms.`,
    `- For reference, **one client at a time** (${SEQUENTIAL_REQUESTS} requests per route, no queueing): ` +
      `added p50 +${fmt.ms(r.singleAdded.p50)} ms, p99 +${fmt.ms(r.singleAdded.p99)} ms; stream first byte ` +
      `p50 +${fmt.ms(r.singleAdded.ttfbP50)} ms (direct ${fmt.ms(r.single.direct.p50)} ms, proxy ` +
      `${fmt.ms(r.single.proxy.p50)} ms; stream first byte direct ${fmt.ms(r.single.directStream.ttfbP50)} ms, ` +
      `proxy ${fmt.ms(r.single.proxyStream.ttfbP50)} ms).`,
    `- **Floor**: a bare \`node:http\` server forwarding the message with \`fetch\` (the \`ai\` SDK's HTTP ` +
      `client) and nothing else — no auth, key, database, SDK or logging — adds p50 **+${fmt.ms(r.floor.p50)} ms**, ` +
      `p99 +${fmt.ms(r.floor.p99)} ms, stream first byte p50 **+${fmt.ms(r.floor.ttfbP50)} ms** with ${CLIENTS} clients; ` +
      `one client at a time p50 +${fmt.ms(r.floor.singleP50)} ms, stream first byte +${fmt.ms(r.floor.singleTtfbP50)} ms. ` +
      `No proxy built on an outbound HTTP call can add less on this machine.`,
    `- **NestJS + \`ai\` SDK floor**: a minimal Nest app calling the provider through the \`ai\` SDK as ` +
      `the app does, with nothing else (no auth, key, database, validation, logging), adds p50 ` +
      `**+${fmt.ms(r.nestFloor.p50)} ms**, p99 +${fmt.ms(r.nestFloor.p99)} ms, stream first byte p50 ` +
      `**+${fmt.ms(r.nestFloor.ttfbP50)} ms** with ${CLIENTS} clients (one client: p50 +${fmt.ms(r.nestFloor.singleP50)} ms, ` +
      `stream first byte +${fmt.ms(r.nestFloor.singleTtfbP50)} ms), for ${fmt.int(r.nestFloor.cpuUs)} µs of CPU ` +
      `per call and ${fmt.int(r.nestFloor.streamCpuUs)} per stream: the least the prescribed stack adds here. ` +
      `The app's calls cost ${fmt.int(r.routes.proxy.serverCpuPerRequestUs)} and ` +
      `${fmt.int(r.routes.proxyStream.serverCpuPerRequestUs)} µs.`,
    `- Usage log check: ${fmt.int(r.logged)} llm_usage_logs rows for ${fmt.int(r.proxiedSent)} proxied calls ` +
      `(warm-up included): ${r.logged === r.proxiedSent ? 'consistent' : '**INCONSISTENT**'}.`,
  ];
  lines.push(...caveatLines(r));
  return lines.join('\n');
}

function render(results, meta) {
  const o = meta.options;
  const m = meta.machine;
  return [
    '## LLM proxy overhead',
    '',
    `Goal: \`POST /api/llm/chat\` against a loopback OpenAI-compatible provider adds ≤ ${GOALS.p50} ms ` +
      `at p50 and ≤ ${GOALS.p99} ms at p99 to calling that provider directly, and ≤ ${GOALS.ttfbP50} ms at p50 ` +
      `to the first byte of a stream.`,
    '',
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), Node ${m.node}, PostgreSQL ${meta.pgVersion}. ` +
      `The provider (bench/lib/fake-openai-server.js, its own process) answers at once: one JSON ` +
      `completion, or an SSE stream of 5 deltas (the first with the role chunk) then a usage chunk. ` +
      `The server reaches it through OPENAI_BASE_URL with the \`ai\` SDK like any provider. Load: ` +
      `${CLIENTS} closed-loop clients (bench/lib/http-clients.js: keep-alive node:http, each sends ` +
      `its next request when the answer has ended), ${o.duration} s per route in ${o.rounds} ` +
      `alternating rounds after a warm-up. "First byte" is the first byte of the response body. ` +
      `Each proxied call looks up the session and the key, decrypts it, calls the provider, stores ` +
      `the exchange as a new conversation (one statement) and queues its usage log (batched).`,
    '',
    ...results.flatMap((r) => [renderMode(r), '']),
    `Reading the figures: with ${CLIENTS} clients on ${m.cores} shared cores, latencies include ` +
      `queueing: when the server is busy, the added latency is about (its CPU per call × clients ÷ ` +
      `cores it gets), so "server CPU µs/req" is the figure to improve.`,
    '',
    `Reproduce: \`${meta.command}\``,
  ].join('\n');
}

module.exports = {
  id: 'llm-proxy',
  title: 'LLM proxy overhead',
  prepare,
  run,
  summary,
  render,
  valid: (r) => r.problems.length === 0,
};
