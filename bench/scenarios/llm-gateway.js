'use strict';
// Passerelle's OpenAI-compatible LLM gateway against a real open-source Node gateway, Portkey's
// (npm @portkey-ai/gateway, bench/lib/portkey-gateway.js), doing a bare pass-through: the same
// loopback OpenAI-compatible provider process, the same closed-loop clients
// (bench/lib/http-clients.js), the same alternating rounds, at 20 clients and at 1 client, JSON
// and `stream: true` with `stream_options.include_usage`, next to calling the provider directly.
// Goals: at 20 clients Passerelle answers at least as many calls per second as Portkey; at 1
// client it adds at most 1 ms more than Portkey at p50.
//
// Passerelle's route is `POST /v1/chat/completions` (OpenAI's request and answer) when the server
// answers it: a first call probes it, and a 404 that is not an OpenAI-shaped error means the
// route is not there; the scenario then measures `POST /api/llm/chat` and says so
// (BENCH_PASSERELLE_LLM_ROUTE=v1|api forces one).
const { measureAlternating } = require('../lib/load');
const {
  MESSAGE,
  acquireFakeOpenAi,
  checkChatReply,
  checkChatStream,
  checkOpenAiCompletion,
  checkOpenAiStream,
  createLlmUser,
  measure,
  summarize,
  waitForUsageRows,
} = require('../lib/llm-targets');
const { ensurePortkey, portkeyHeaders, startPortkey } = require('../lib/portkey-gateway');
const { runClients } = require('../lib/http-clients');
const { caveatLines, fmt } = require('../lib/report');
const { serverCommand } = require('../lib/server');

const ID = 'llm-gateway';
const CLIENT_COUNTS = [20, 1];
/** Passerelle's default OpenAI model (src/llm-providers/providers/model-catalog.ts), sent to every target. */
const MODEL = 'gpt-5-mini';
const GOALS = { throughputRatio: 1, singleAddedMarginMs: 1 };
/** Cores used by other processes above which a round is run again, then the run flagged. */
const DISTURBED_CPU = 0.25;
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Before the server starts: Portkey (installed once), the shared loopback provider. */
async function prepare({ log, defer }) {
  const install = ensurePortkey({ log });
  const provider = await acquireFakeOpenAi(log);
  const release = defer('release the loopback LLM provider', () => provider.release());
  const portkey = await startPortkey(install);
  log(`Portkey gateway ${install.version} on ${portkey.baseUrl} (pid ${portkey.pid})`);
  const stopPortkey = defer('stop Portkey', () => portkey.stop());
  const stop = async () => {
    await stopPortkey();
    await release();
  };
  const env = { OPENAI_BASE_URL: `${provider.fake.baseUrl}/v1` };
  return { env, fake: provider.fake, portkey, install, stop };
}

/**
 * What Passerelle's targets send as `Authorization: Bearer …`: the user's access token from
 * `POST /api/auth/login` (what `/v1` documents as the API key). Another credential goes here.
 */
async function passerelleCredential(_ctx, user) {
  return user.token;
}

/** OpenAI's chat completion request. */
const openAiBody = (model, stream) =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content: MESSAGE }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

/** Passerelle's two routes to a chat completion: the request each takes and the answer check. */
const PASSERELLE_ROUTES = {
  v1: {
    id: 'v1',
    path: '/v1/chat/completions',
    body: (stream) => openAiBody(`openai/${MODEL}`, stream),
    check: checkOpenAiCompletion,
    checkStream: checkOpenAiStream,
  },
  api: {
    id: 'api',
    path: '/api/llm/chat',
    body: (stream) =>
      JSON.stringify({ provider: 'openai', message: MESSAGE, ...(stream ? { stream: true } : {}) }),
    check: checkChatReply,
    checkStream: checkChatStream,
  },
};

/** One request outside the load; resolves { status, body }. */
async function once(target) {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: target.headers,
    body: target.body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.text() };
}

const isOpenAiError = (text) => {
  try {
    return typeof JSON.parse(text).error?.message === 'string';
  } catch {
    return false;
  }
};

/**
 * The Passerelle route to measure: { route, note (why it is not `/v1`, or null), calls (proxied
 * calls the probe made) }.
 */
async function choosePasserelleRoute(ctx, credential) {
  const wanted = ctx.options.passerelleLlmRoute;
  if (wanted === 'api') {
    return {
      route: PASSERELLE_ROUTES.api,
      note: 'chosen with BENCH_PASSERELLE_LLM_ROUTE=api',
      calls: 0,
    };
  }
  const v1 = PASSERELLE_ROUTES.v1;
  const probe = await once({
    url: `${ctx.server.baseUrl}${v1.path}`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${credential}` },
    body: v1.body(false),
  });
  if (probe.status === 404 && !isOpenAiError(probe.body) && wanted === 'auto') {
    return {
      route: PASSERELLE_ROUTES.api,
      note:
        '`POST /v1/chat/completions` answered 404 (not there yet): measured `POST /api/llm/chat` ' +
        'instead, whose request and answer are the app’s own, not OpenAI’s',
      calls: 0,
    };
  }
  const problem =
    probe.status === 200 ? v1.check(probe) : `HTTP ${probe.status}: ${probe.body.slice(0, 300)}`;
  if (problem) throw new Error(`probe of POST ${v1.path} failed: ${problem}`);
  return { route: v1, note: null, calls: 1 };
}

function targets(ctx, user, credential, passerelle) {
  const { fake, portkey } = ctx.prepared;
  const providerV1 = `${fake.baseUrl}/v1`;
  const suffix = (stream) => (stream ? ', stream' : '');
  const direct = (stream) => ({
    route: `provider directly${suffix(stream)}`,
    url: `${providerV1}/chat/completions`,
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${user.apiKey}` },
    body: openAiBody(MODEL, stream),
    check: stream ? checkOpenAiStream : checkOpenAiCompletion,
  });
  const viaPortkey = (stream) => ({
    route: `Portkey${suffix(stream)}`,
    url: `${portkey.baseUrl}/v1/chat/completions`,
    method: 'POST',
    headers: portkeyHeaders(providerV1, user.apiKey),
    body: openAiBody(MODEL, stream),
    check: stream ? checkOpenAiStream : checkOpenAiCompletion,
    pid: portkey.pid,
  });
  const viaPasserelle = (stream) => ({
    route: `Passerelle ${passerelle.path}${suffix(stream)}`,
    url: `${ctx.server.baseUrl}${passerelle.path}`,
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${credential}` },
    body: passerelle.body(stream),
    check: stream ? passerelle.checkStream : passerelle.check,
    pid: ctx.server.pid,
  });
  return {
    direct: direct(false),
    portkey: viaPortkey(false),
    passerelle: viaPasserelle(false),
    directStream: direct(true),
    portkeyStream: viaPortkey(true),
    passerelleStream: viaPasserelle(true),
  };
}

/**
 * Portkey must forward to the loopback provider and hand back its answer: one call each way,
 * checked, and compared byte for byte with the provider's own answer.
 */
async function verifyPortkey(ctx, t) {
  const verbatim = {};
  for (const [key, direct, portkey] of [
    ['json', t.direct, t.portkey],
    ['stream', t.directStream, t.portkeyStream],
  ]) {
    const d = await once(direct);
    const p = await once(portkey);
    const problem =
      p.status === 200 ? portkey.check(p) : `HTTP ${p.status}: ${p.body.slice(0, 300)}`;
    if (problem) {
      throw new Error(
        `Portkey did not pass the call through (${portkey.route}): ${problem}\n` +
          `Portkey's output:\n${ctx.prepared.portkey.output().slice(-2000)}`,
      );
    }
    verbatim[key] = d.status === 200 && d.body === p.body;
  }
  return verbatim;
}

/** What a target adds to calling the provider directly (same kind: JSON or stream). */
const addedTo = (x, base) => ({
  p50: x.p50 - base.p50,
  p99: x.p99 - base.p99,
  ttfbP50: x.ttfbP50 - base.ttfbP50,
});

function figures(s) {
  return {
    routes: s,
    added: {
      portkey: addedTo(s.portkey, s.direct),
      passerelle: addedTo(s.passerelle, s.direct),
      portkeyStream: addedTo(s.portkeyStream, s.directStream),
      passerelleStream: addedTo(s.passerelleStream, s.directStream),
    },
  };
}

async function run(ctx) {
  const { options, log, db } = ctx;
  const user = await createLlmUser(ctx, 'llm-gw');
  const credential = await passerelleCredential(ctx, user);
  const chosen = await choosePasserelleRoute(ctx, credential);
  log(`  Passerelle route: POST ${chosen.route.path}` + (chosen.note ? ` (${chosen.note})` : ''));
  const t = targets(ctx, user, credential, chosen.route);
  const verbatim = await verifyPortkey(ctx, t);
  const isPasserelle = (target) => target === t.passerelle || target === t.passerelleStream;
  const proxied = { sent: chosen.calls };
  const problems = [];
  const pids = {
    server: ctx.server.pid,
    fake: ctx.prepared.fake.pid,
    portkey: ctx.prepared.portkey.pid,
  };

  const warm = Math.max(CLIENT_COUNTS[0], Math.min(options.warmupRequests, 1000));
  log(`  warm-up: ${warm} requests per route, ${CLIENT_COUNTS[0]} clients`);
  for (const target of Object.values(t)) {
    const r = await runClients(target, { clients: CLIENT_COUNTS[0], amount: warm });
    problems.push(...r.problems);
    if (isPasserelle(target)) proxied.sent += r.sent;
  }

  const byClients = {};
  let retried = 0;
  for (const clients of CLIENT_COUNTS) {
    log(
      `  ${clients} client${clients > 1 ? 's' : ''}: ${options.duration} s per route in ` +
        `${options.rounds} alternating rounds`,
    );
    const { runs, discarded } = await measureAlternating(Object.values(t), {
      duration: options.duration,
      rounds: options.rounds,
      pause: 200,
      log,
      quiet: { maxOtherCpu: DISTURBED_CPU, retries: options.retries },
      serverPid: ctx.server.pid,
      fire: (target, { duration }) =>
        measure(target, { clients, seconds: duration }, pids, ctx.services),
    });
    // A disturbed round is discarded whole: every route has one run less kept.
    retried += discarded.get(t.direct.route).length;
    for (const target of [t.passerelle, t.passerelleStream]) {
      // Every call sent to Passerelle leaves a usage row, in discarded rounds too.
      const all = [...runs.get(target.route), ...discarded.get(target.route)];
      proxied.sent += all.reduce((n, r) => n + r.sent, 0);
    }
    const s = Object.fromEntries(
      Object.entries(t).map(([k, target]) => [k, summarize(runs.get(target.route))]),
    );
    for (const x of Object.values(s)) {
      if (x.failed > 0) {
        problems.push(
          `${x.route} (${clients} client${clients > 1 ? 's' : ''}): ${x.failed} failed requests`,
          ...x.problems,
        );
      }
    }
    byClients[clients] = figures(s);
  }

  // Every proxied call, stream or not, leaves one usage log row (written in batches).
  const logged = await waitForUsageRows(db, user.keyId, proxied.sent);
  if (logged !== proxied.sent) {
    problems.push(`${logged} usage log rows for ${proxied.sent} proxied calls`);
  }

  const many = byClients[CLIENT_COUNTS[0]];
  const one = byClients[1];
  const ratio = (a, b) => a / b;
  const throughputRatio = ratio(many.routes.passerelle.rps, many.routes.portkey.rps);
  const single = { passerelle: one.added.passerelle.p50, portkey: one.added.portkey.p50 };
  const otherCpu = Math.max(
    ...Object.values(byClients).flatMap((f) => Object.values(f.routes).map((x) => x.otherCpu)),
  );
  return {
    mode: ctx.mode,
    passerelleRoute: { id: chosen.route.id, path: chosen.route.path, note: chosen.note },
    portkey: {
      version: ctx.prepared.install.version,
      pinned: ctx.prepared.install.pinned,
      command: ctx.prepared.portkey.command,
      verbatim,
    },
    byClients,
    goals: {
      throughput: { ratio: throughputRatio, pass: throughputRatio >= GOALS.throughputRatio },
      singleAdded: {
        ...single,
        pass: single.passerelle <= single.portkey + GOALS.singleAddedMarginMs,
      },
    },
    /** The same comparisons on streams, for information (see the Portkey notes). */
    streams: {
      throughputRatio: ratio(many.routes.passerelleStream.rps, many.routes.portkeyStream.rps),
      singleTtfbAdded: {
        passerelle: one.added.passerelleStream.ttfbP50,
        portkey: one.added.portkeyStream.ttfbP50,
      },
      singleAdded: {
        passerelle: one.added.passerelleStream.p50,
        portkey: one.added.portkeyStream.p50,
      },
    },
    logged,
    proxiedSent: proxied.sent,
    retried,
    disturbed: otherCpu > DISTURBED_CPU ? otherCpu : null,
    problems,
  };
}

const verdict = (ok) => (ok ? 'PASS' : 'MISSED');
const ms = (n) => `${n >= 0 ? '+' : ''}${fmt.ms(n)}`;
const times = (n) => `${Number.isFinite(n) ? n.toFixed(2) : 'n/a'}×`;

function summary(r) {
  const g = r.goals;
  const many = r.byClients[CLIENT_COUNTS[0]].routes;
  const route =
    `POST ${r.passerelleRoute.path}` +
    (r.passerelleRoute.note ? `, not /v1/chat/completions: ${r.passerelleRoute.note}` : '');
  return [
    `[${r.mode.id}] Passerelle (${route}) vs Portkey ${r.portkey.version}, ${CLIENT_COUNTS[0]} clients: ` +
      `${fmt.int(many.passerelle.rps)} vs ${fmt.int(many.portkey.rps)} req/s = ${times(g.throughput.ratio)} ` +
      `(${verdict(g.throughput.pass)}, goal ≥ ${GOALS.throughputRatio}×)` +
      (r.disturbed ? ', INCONCLUSIVE: disturbed by other processes' : ''),
    `[${r.mode.id}] 1 client, added p50: Passerelle ${ms(g.singleAdded.passerelle)} ms, Portkey ` +
      `${ms(g.singleAdded.portkey)} ms (${verdict(g.singleAdded.pass)}, goal ≤ Portkey + ${GOALS.singleAddedMarginMs} ms)`,
    `[${r.mode.id}] streams: ${CLIENT_COUNTS[0]} clients ${times(r.streams.throughputRatio)} Portkey's req/s; ` +
      `1 client first byte p50 added: Passerelle ${ms(r.streams.singleTtfbAdded.passerelle)} ms, Portkey ` +
      `${ms(r.streams.singleTtfbAdded.portkey)} ms`,
    `[${r.mode.id}] CPU µs per call (${CLIENT_COUNTS[0]} clients): Passerelle ${fmt.int(many.passerelle.serverCpuPerRequestUs)} ` +
      `(+ PostgreSQL ${fmt.int(many.passerelle.pgCpuPerRequestUs)}), Portkey ${fmt.int(many.portkey.serverCpuPerRequestUs)}; ` +
      `streams ${fmt.int(many.passerelleStream.serverCpuPerRequestUs)} vs ${fmt.int(many.portkeyStream.serverCpuPerRequestUs)}`,
    ...r.problems.map((p) => `[${r.mode.id}] PROBLEM: ${p}`),
  ];
}

function table(f, passerelleLabel) {
  const s = f.routes;
  const row = (label, x, added, { cpu = false, pg = false } = {}) =>
    `| ${label} | ${fmt.int(x.rps)} | ${fmt.ms(x.p50)} | ${fmt.ms(x.p99)} | ` +
    `${added ? ms(added.p50) : '—'} | ${added ? ms(added.p99) : '—'} | ${fmt.ms(x.ttfbP50)} | ` +
    `${added ? ms(added.ttfbP50) : '—'} | ${fmt.int(x.completed)} | ${fmt.int(x.failed)} | ` +
    `${cpu ? fmt.int(x.serverCpuPerRequestUs) : 'n/a'} | ${pg ? fmt.int(x.pgCpuPerRequestUs) : 'n/a'} | ${fmt.pct(x.otherCpu)} |`;
  return [
    '| Route | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | first byte p50 ms | added first byte p50 ms | requests | failed | proxy CPU µs/call | PostgreSQL CPU µs/call | other CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    row('provider directly', s.direct, null),
    row('Portkey, pass-through', s.portkey, f.added.portkey, { cpu: true }),
    row(`Passerelle ${passerelleLabel}`, s.passerelle, f.added.passerelle, { cpu: true, pg: true }),
    row('provider directly, stream', s.directStream, null),
    row('Portkey, pass-through, stream', s.portkeyStream, f.added.portkeyStream, { cpu: true }),
    row(`Passerelle ${passerelleLabel}, stream`, s.passerelleStream, f.added.passerelleStream, {
      cpu: true,
      pg: true,
    }),
  ];
}

function renderMode(r) {
  const g = r.goals;
  const label = `\`POST ${r.passerelleRoute.path}\``;
  const many = r.byClients[CLIENT_COUNTS[0]].routes;
  const one = r.byClients[1];
  const yes = (b) => (b ? 'yes' : '**no**');
  const lines = [`### ${r.mode.label}`, ''];
  if (r.passerelleRoute.note)
    lines.push(`**Passerelle route: ${label}** — ${r.passerelleRoute.note}.`, '');
  for (const clients of CLIENT_COUNTS) {
    lines.push(
      `${clients} client${clients > 1 ? 's' : ''}:`,
      '',
      ...table(r.byClients[clients], label),
      '',
    );
  }
  lines.push(
    '"added": p50/p99 minus the provider called directly in the same rounds (JSON against JSON, ' +
      'stream against stream); "proxy CPU": the Portkey process or the Passerelle server, from ' +
      '/proc; "PostgreSQL CPU": the bench database’s backends (Portkey uses none); "other CPU": ' +
      'cores used by the rest of the machine (not the proxies, the provider, the load, PostgreSQL ' +
      `or Redis); a round above ${fmt.pct(DISTURBED_CPU)} is run again (BENCH_RETRIES), ` +
      `${fmt.int(r.retried)} were.`,
    '',
    `- **Throughput at ${CLIENT_COUNTS[0]} clients**: Passerelle ${fmt.int(many.passerelle.rps)} req/s, ` +
      `Portkey ${fmt.int(many.portkey.rps)} req/s: **${times(g.throughput.ratio)}** ` +
      `(goal ≥ ${GOALS.throughputRatio}×: **${verdict(g.throughput.pass)}**).`,
    `- **Added p50 at 1 client**: Passerelle **${ms(g.singleAdded.passerelle)} ms**, Portkey ` +
      `${ms(g.singleAdded.portkey)} ms (goal ≤ Portkey + ${GOALS.singleAddedMarginMs} ms: **${verdict(g.singleAdded.pass)}**).`,
    `- Streams, for information (Portkey holds every stream's first event 25 ms, see below): ` +
      `${CLIENT_COUNTS[0]} clients ${times(r.streams.throughputRatio)} Portkey's req/s; 1 client added ` +
      `first byte p50 Passerelle ${ms(r.streams.singleTtfbAdded.passerelle)} ms, Portkey ` +
      `${ms(r.streams.singleTtfbAdded.portkey)} ms; whole stream p50 ${ms(r.streams.singleAdded.passerelle)} ` +
      `vs ${ms(r.streams.singleAdded.portkey)} ms.`,
    `- CPU per call at ${CLIENT_COUNTS[0]} clients: Passerelle ${fmt.int(many.passerelle.serverCpuPerRequestUs)} µs ` +
      `(+ ${fmt.int(many.passerelle.pgCpuPerRequestUs)} µs of PostgreSQL), Portkey ${fmt.int(many.portkey.serverCpuPerRequestUs)} µs; ` +
      `streams ${fmt.int(many.passerelleStream.serverCpuPerRequestUs)} vs ${fmt.int(many.portkeyStream.serverCpuPerRequestUs)} µs. ` +
      `At 1 client: ${fmt.int(one.routes.passerelle.serverCpuPerRequestUs)} vs ${fmt.int(one.routes.portkey.serverCpuPerRequestUs)} µs.`,
    `- Portkey's answers equal the provider's byte for byte: JSON ${yes(r.portkey.verbatim.json)}, ` +
      `stream ${yes(r.portkey.verbatim.stream)} (checked before measuring).`,
    `- Usage log check: ${fmt.int(r.logged)} llm_usage_logs rows for ${fmt.int(r.proxiedSent)} calls ` +
      `to Passerelle (probe and warm-up included): ${r.logged === r.proxiedSent ? 'consistent' : '**INCONSISTENT**'}.`,
  );
  lines.push(...caveatLines(r));
  return lines.join('\n');
}

function render(results, meta) {
  const o = meta.options;
  const m = meta.machine;
  const first = results[0];
  const pins = Object.entries(first.portkey.pinned)
    .map(([n, v]) => `${n} ${v}`)
    .join(', ');
  const route = (r) => `\`POST ${r.passerelleRoute.path}\``;
  const reproduce = `BENCH_SCENARIOS=${ID} npm run bench`;
  return [
    '## LLM gateway versus Portkey',
    '',
    `Goals: with ${CLIENT_COUNTS[0]} clients, Passerelle's OpenAI-compatible \`POST /v1/chat/completions\` ` +
      `answers ≥ ${GOALS.throughputRatio}× the calls per second of Portkey's open-source gateway doing a ` +
      `bare pass-through to the same provider; with 1 client, it adds at p50 at most ` +
      `${GOALS.singleAddedMarginMs} ms more than Portkey to calling the provider directly.`,
    '',
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), Node ${m.node}, PostgreSQL ${meta.pgVersion}. ` +
      `Passerelle: \`${serverCommand(o.serverNodeArgs)}\` (the production command), route measured ` +
      `${[...new Set(results.map(route))].join(', ')}, with a user's access token` +
      (results.some((r) => r.passerelleRoute.id === 'v1') ? `, model \`openai/${MODEL}\`` : '') +
      `; each call authenticates the token and goes through the LLM gateway (picks the user's ` +
      `stored OpenAI key, checks the monthly budget, decrypts the key, calls the provider, prices ` +
      `the call, queues a usage log row; \`/v1\` calls OpenAI-wire providers over keep-alive ` +
      `node:http, src/llm-providers/providers/openai-wire.ts, \`/api/llm/chat\` through the ` +
      `\`ai\` SDK)` +
      (results.some((r) => r.passerelleRoute.id === 'api')
        ? '; `/api/llm/chat` also stores the exchange as a conversation'
        : '') +
      `. Portkey: \`@portkey-ai/gateway\` ${first.portkey.version} (npm, installed by the bench into ` +
      `node_modules/.cache/passerelle-bench/, with ${pins}), its own process, ` +
      `\`${first.portkey.command.replace(/--port=\d+/, '--port=<free port>')}\` (plain \`node\`, as its ` +
      `package's \`bin\` and \`start:node\` run it) with NODE_ENV=production, bound to 127.0.0.1; ` +
      `each request names the provider in headers (\`x-portkey-provider: openai\`, ` +
      `\`x-portkey-custom-host: <provider>/v1\`, the provider key as \`Authorization\`), no config, ` +
      `retries, cache or logging. Both call the same loopback OpenAI-compatible provider process ` +
      `(bench/lib/fake-openai-server.js, answering at once: one JSON completion, or an SSE stream ` +
      `of 5 deltas, the finish chunk, a usage chunk and \`[DONE]\`), which is also called directly ` +
      `for reference with model \`${MODEL}\`. Load: closed-loop clients (bench/lib/http-clients.js: ` +
      `keep-alive node:http, each sends its next request when the answer has ended), ` +
      `${CLIENT_COUNTS.join(' then ')} of them, ${o.duration} s per route in ${o.rounds} alternating ` +
      `rounds after a warm-up; every answer is checked (the reply text; for streams the deltas and ` +
      `the end, and OpenAI's usage chunk). "First byte" is the first byte of the response body.`,
    '',
    ...results.flatMap((r) => [renderMode(r), '']),
    'Portkey notes:',
    '',
    '- Every stream it passes through waits 25 ms before its first event: `readStream` ' +
      '(src/handlers/streamHandler.ts) sleeps `setTimeout(25)` on the first chunk (and 1 ms on each ' +
      'later one for Azure OpenAI), whatever the provider. Its stream latency and its streams per ' +
      'second per client are bound by that, not by its CPU: the stream comparison is for information, ' +
      'the goals are taken on JSON answers.',
    '- With the @hono/node-server a fresh install resolves (≥ 1.14.2), every streamed call fails ' +
      '(HTTP 500, `TypeError: immutable` in `updateHeaders`: Portkey-AI/gateway issue #1389, open): ' +
      'the bench installs 1.14.1, and @hono/node-ws 1.2.0, the last accepting it.',
    '- Its server listens on every interface and takes no address; a preload ' +
      '(bench/lib/listen-loopback.js) binds it to 127.0.0.1, and TRUSTED_CUSTOM_HOSTS=127.0.0.1 ' +
      'limits where it may forward.',
    '- On each JSON answer its Node request-log middleware clones the response and parses it for ' +
      'its log viewer, `--headless` or not: part of its CPU per call.',
    '',
    `Reading the figures: with ${CLIENT_COUNTS[0]} clients on ${m.cores} shared cores, latencies include ` +
      `queueing, and the gateway, the provider and the clients compete for the same cores: req/s ` +
      `follows CPU per call.`,
    '',
    `Reproduce: \`${reproduce}\`` +
      (meta.command !== reproduce ? ` (this run: \`${meta.command}\`)` : ''),
  ].join('\n');
}

module.exports = {
  id: ID,
  title: 'LLM gateway versus Portkey',
  prepare,
  run,
  summary,
  render,
  valid: (r) => r.problems.length === 0,
  /** For checking the route choice against a stand-in server. */
  choosePasserelleRoute,
};
