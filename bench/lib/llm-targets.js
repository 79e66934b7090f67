'use strict';
// What the LLM scenarios (bench/scenarios/llm-proxy.js, llm-gateway.js) share: one loopback
// OpenAI-compatible provider per mode, a user holding an OpenAI key, the answer checks of each
// wire format, a measured closed-loop run with the CPU of everyone involved, the figures of
// several runs, and the llm_usage_logs count.
const { randomBytes } = require('node:crypto');
const { REPLY, USAGE, startFakeOpenAi } = require('./fake-openai-server');
const { expectStatus, loginNewUser } = require('./fixtures');
const { runClients } = require('./http-clients');
const { machineCpuMs, processCpuMs } = require('./load');
const { sleep } = require('./postgres');

const MESSAGE = 'Résume ce devis de rénovation de salle de bains en deux phrases.';

let shared = null;

/**
 * The loopback provider (bench/lib/fake-openai-server.js), started by the first scenario that
 * asks in a mode and shared by the others: the server has one OPENAI_BASE_URL, so every
 * scenario of the mode must call the provider the server calls. Resolves { fake, release() };
 * the last release stops it.
 */
async function acquireFakeOpenAi(log) {
  if (!shared) {
    const fake = await startFakeOpenAi();
    log(`Loopback OpenAI-compatible provider on ${fake.baseUrl} (pid ${fake.pid})`);
    shared = { fake, users: 0 };
  }
  const s = shared;
  s.users += 1;
  let released = false;
  return {
    fake: s.fake,
    async release() {
      if (released) return;
      released = true;
      s.users -= 1;
      if (s.users > 0) return;
      if (shared === s) shared = null;
      await s.fake.stop();
    },
  };
}

/** A new user (`label` in its e-mail) with an OpenAI key of a plausible format (the provider takes any). */
async function createLlmUser(ctx, label) {
  const base = ctx.server.baseUrl;
  const email = `bench-${label}-${ctx.mode.id}-${randomBytes(3).toString('hex')}@example.com`;
  const token = await loginNewUser(ctx.cli, base, email, 'user');
  const apiKey = `sk-proj-${randomBytes(36).toString('base64url')}`;
  const key = await expectStatus('POST', `${base}/api/llm/keys`, 201, {
    token,
    body: { provider: 'openai', name: 'Bench loopback', apiKey },
  });
  return { token, apiKey, keyId: key.json().id };
}

/** The `data:` payloads of an SSE body, in order. */
const sseData = (text) =>
  text
    .split('\n\n')
    .filter((b) => b.startsWith('data: '))
    .map((b) => b.slice(6));

/** `POST /api/llm/chat` (and the floors speaking it): `{ data: { response } }`. */
const checkChatReply = (res) =>
  JSON.parse(res.body).data.response === REPLY ? null : 'unexpected answer';

/** The SSE of `POST /api/llm/chat` (and of the Nest floor): deltas making up the reply, then `done`. */
function checkChatStream(res) {
  const events = sseData(res.body).map((d) => JSON.parse(d));
  const text = events
    .filter((e) => e.type === 'delta')
    .map((e) => e.text)
    .join('');
  return events.pop()?.type === 'done' && text === REPLY ? null : 'stream did not finish';
}

/** Any SSE ending with OpenAI's `[DONE]`. */
const checkDone = (res) => (sseData(res.body).pop() === '[DONE]' ? null : 'stream did not finish');

/** OpenAI's chat completion: the reply as the first choice's message. */
const checkOpenAiCompletion = (res) =>
  JSON.parse(res.body).choices?.[0]?.message?.content === REPLY ? null : 'unexpected answer';

/**
 * OpenAI's `chat.completion.chunk` stream asked with `stream_options.include_usage`: the deltas
 * make up the reply, a usage chunk carries the provider's token counts, `[DONE]` ends it.
 */
function checkOpenAiStream(res) {
  const data = sseData(res.body);
  if (data.pop() !== '[DONE]') return 'stream did not finish';
  const chunks = data.map((d) => JSON.parse(d));
  if (chunks.some((c) => c.error))
    return `error event: ${JSON.stringify(chunks.find((c) => c.error))}`;
  const text = chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
  if (text !== REPLY) return 'unexpected answer';
  const usage = chunks.find((c) => c.usage)?.usage;
  return usage?.total_tokens === USAGE.total_tokens ? null : 'no usage chunk';
}

/** Nearest-rank percentile of unsorted values. */
function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One route's figures over the runs of `measure`: totals summed, latencies pooled. */
function summarize(runs) {
  const latencies = runs.flatMap((r) => r.latencies);
  const ttfbs = runs.flatMap((r) => r.ttfbs);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const completed = runs.reduce((s, r) => s + r.completed, 0);
  const serverCpuMs = runs.reduce((s, r) => s + (r.serverCpuMs ?? 0), 0);
  const pgKnown = runs.every((r) => r.pgCpuMs !== null && r.pgCpuMs !== undefined);
  return {
    route: runs[0].route,
    completed,
    sent: runs.reduce((s, r) => s + r.sent, 0),
    failed: runs.reduce((s, r) => s + r.failed, 0),
    problems: runs.flatMap((r) => r.problems).slice(0, 3),
    rps: completed / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ttfbP50: percentile(ttfbs, 50),
    ttfbP99: percentile(ttfbs, 99),
    serverCpuPerRequestUs: (serverCpuMs * 1000) / completed,
    /** PostgreSQL backends of the bench database (µs per completed call), null when unknown. */
    pgCpuPerRequestUs: pgKnown
      ? (runs.reduce((s, r) => s + r.pgCpuMs, 0) * 1000) / completed
      : null,
    otherCpu: runs.reduce((s, r) => s + (r.otherCpuMs ?? 0), 0) / (seconds * 1000),
  };
}

/**
 * One measured run of `runClients(target, load)`, with the CPU the target's server (`target.pid`,
 * else `pids.server`) and the rest of the machine used meanwhile. The other processes of `pids`
 * (the provider, the other proxies), the bench itself and PostgreSQL and Redis (`services`)
 * count as neither.
 */
async function measure(target, load, pids, services) {
  const serverPid = target.pid ?? pids.server;
  const helpers = Object.values(pids).filter((p) => p !== serverPid);
  const cpuOf = (list) => list.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const server0 = processCpuMs(serverPid);
  const helpers0 = cpuOf(helpers);
  const machine0 = machineCpuMs();
  const own0 = process.cpuUsage();
  const servicesUsed = await services.start();
  const r = await runClients(target, load);
  const { ms: servicesMs, pgMs } = await servicesUsed();
  const serverCpuMs = processCpuMs(serverPid) - server0;
  const fakeCpuMs = cpuOf(helpers) - helpers0;
  const own = process.cpuUsage(own0);
  const ownMs = (own.user + own.system) / 1000;
  const otherCpuMs = Math.max(
    0,
    machineCpuMs() - machine0 - serverCpuMs - fakeCpuMs - ownMs - servicesMs,
  );
  return { ...r, serverCpuMs, pgCpuMs: pgMs, otherCpuMs };
}

async function usageRows(db, keyId) {
  const { rows } = await db.query('SELECT count(*) AS n FROM llm_usage_logs WHERE key_id = $1', [
    keyId,
  ]);
  return Number(rows[0].n);
}

/** The key's llm_usage_logs rows once `expected` are there (written in batches, ~1 s), or after 10 s. */
async function waitForUsageRows(db, keyId, expected) {
  let logged = await usageRows(db, keyId);
  for (let i = 0; i < 50 && logged < expected; i++) {
    await sleep(200);
    logged = await usageRows(db, keyId);
  }
  return logged;
}

module.exports = {
  MESSAGE,
  acquireFakeOpenAi,
  checkChatReply,
  checkChatStream,
  checkDone,
  checkOpenAiCompletion,
  checkOpenAiStream,
  createLlmUser,
  measure,
  percentile,
  sseData,
  summarize,
  waitForUsageRows,
};
