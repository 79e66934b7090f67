'use strict';
// Support chat on PostgreSQL: 1,000 simulated visitors (one session each) polling
// GET /api/chat/history every 2 s with their cursor while a writer keeps adding messages
// (goal: p99 ≤ 20 ms), the EXPLAIN of the history query (goal: no Seq Scan on chat_messages),
// and the mock reply round trip of POST /api/chat/message (goal: p50 ≤ 15 ms).
const { fork } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { machineCpuMs, processCpuMs } = require('../lib/load');
const { fmt } = require('../lib/report');

const CLIENTS = 1_000;
const POLL_MS = 2_000;
/** Messages already in each session before the run, so the table is not trivially small. */
const SEEDED_MESSAGES = 40;
/** Messages posted per second (to random sessions) while the clients poll. */
const WRITES_PER_S = 10;
const WARMUP_MS = 4_000;
/** Concurrent senders in the message round-trip measurement, each with its own session. */
const SENDERS = 4;
const GOALS = { pollP99Ms: 20, messageP50Ms: 15 };
/**
 * Cores used by other processes (not the server, not this load, not PostgreSQL or Redis serving
 * it) above which a run is flagged.
 */
const DISTURBED_CPU = 0.3;
const POLLERS = path.join(__dirname, '..', 'lib', 'chat-pollers.js');

// The chat's per-IP and per-session limits (10 messages, 100 reads a minute) would throttle a
// thousand clients coming from one address: raised through their configuration for the bench
// servers, which inherit this process's environment (bench/lib/server.js).
for (const name of ['CHAT_MESSAGE_LIMIT', 'CHAT_READ_LIMIT', 'CHAT_CREATE_SESSION_LIMIT']) {
  process.env[name] ??= '1000000';
}
process.env.CHAT_MOCK_MODE ??= 'true';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; resolves { status, body, ms } (ms: request start to last byte). */
function request(baseUrl, method, path, { headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(payload);
  });
}

async function json(baseUrl, method, path, options) {
  const res = await request(baseUrl, method, path, options);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${method} ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
  }
  return JSON.parse(res.body);
}

function stats(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const pick = (p) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
      : NaN;
  return { count: sorted.length, p50: pick(50), p90: pick(90), p99: pick(99), max: pick(100) };
}

/** Creates the sessions through the API, then gives each SEEDED_MESSAGES messages in SQL. */
async function seed(ctx) {
  const sessions = [];
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, CLIENTS - i) }, () =>
        json(ctx.server.baseUrl, 'POST', '/api/chat/create-session', { body: {} }),
      ),
    );
    for (const s of batch) sessions.push({ id: s.sessionId, token: s.sessionToken, cursor: 1 });
  }
  await ctx.db.query(
    `INSERT INTO chat_messages (session_id, sequence, role, sender_name, content)
     SELECT s.id, 1 + g, CASE WHEN g % 2 = 1 THEN 'user' ELSE 'assistant' END, NULL,
            'Seeded message ' || g || ' of a support conversation about a quote'
       FROM chat_sessions s CROSS JOIN generate_series(1, $1) AS g
      WHERE s.id = ANY($2::uuid[])`,
    [SEEDED_MESSAGES, sessions.map((s) => s.id)],
  );
  // Only this run's sessions: a second mode (Redis) runs on the same database.
  await ctx.db.query(
    `UPDATE chat_sessions SET last_sequence = last_sequence + $1 WHERE id = ANY($2::uuid[])`,
    [SEEDED_MESSAGES, sessions.map((s) => s.id)],
  );
  await ctx.db.query('ANALYZE chat_sessions');
  await ctx.db.query('ANALYZE chat_messages');
  return sessions;
}

/** The plan PostgreSQL picks for the history query the app runs (src/chat/chat.repository.ts). */
async function explainHistory(db, session) {
  const { rows } = await db.query(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
     SELECT id, session_id AS "sessionId", sequence, role, sender_name AS "senderName",
            content, tokens_used AS "tokensUsed", created_at AS "createdAt"
       FROM chat_messages
      WHERE session_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
    [session.id, SEEDED_MESSAGES - 2, 200],
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const { rows: count } = await db.query('SELECT count(*)::int AS n FROM chat_messages');
  return { plan, rows: count[0].n, seqScan: /Seq Scan on chat_messages/.test(plan) };
}

/**
 * The pollers and the writer run in their own process (bench/lib/chat-pollers.js), so that the
 * bench process's own pauses do not count as server latency. Resolves { poll(ms, record), stop() }.
 */
async function startPollers(ctx, sessions) {
  // A small heap with a roomy young generation and no GC helper threads: the generator itself
  // then rarely stops (its loop delay is reported with the results).
  const child = fork(POLLERS, [], {
    execArgv: ['--single-threaded-gc', '--max-semi-space-size=32'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ask = (message) =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`the chat pollers exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply) => {
        child.removeListener('exit', onExit);
        resolve(reply);
      });
      child.send(message);
    });
  await ask({
    cmd: 'init',
    baseUrl: ctx.server.baseUrl,
    sessions,
    pollMs: POLL_MS,
    writesPerS: WRITES_PER_S,
  });
  return {
    pid: child.pid,
    poll: (ms, record) => ask({ cmd: 'poll', ms, record }),
    async stop() {
      if (child.exitCode === null) child.send({ cmd: 'exit' });
      await exited;
    },
  };
}

/** SENDERS clients each post messages back to back to their own session (mock replies). */
async function messageRoundTrip(ctx, sessions, ms) {
  const base = ctx.server.baseUrl;
  const end = Date.now() + ms;
  const result = { latencies: [], statuses: {}, errors: 0, mockChecked: false };
  await Promise.all(
    sessions.slice(0, SENDERS).map(async (s, i) => {
      for (let n = 0; Date.now() < end; n++) {
        try {
          const res = await request(base, 'POST', '/api/chat/message', {
            headers: { 'x-chat-token': s.token },
            body: { sessionId: s.id, message: `Bonjour, où en est mon devis numéro ${i}-${n} ?` },
          });
          result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
          result.latencies.push(res.ms);
          if (!result.mockChecked && res.status === 200) {
            result.mockChecked = JSON.parse(res.body).reply?.role === 'assistant';
          }
        } catch {
          result.errors++;
        }
      }
    }),
  );
  return result;
}

/**
 * Runs `work` and adds the CPU (cores) used meanwhile by the server, the load (this process and
 * the load generator's, `loadPid`), PostgreSQL and Redis (`services`) and the rest.
 */
async function withCpu(serverPid, services, work, loadPid = null) {
  const started = Date.now();
  const servicesUsed = await services.start();
  const server0 = processCpuMs(serverPid);
  const machine0 = machineCpuMs();
  const own0 = process.cpuUsage();
  const generator0 = loadPid === null ? 0 : (processCpuMs(loadPid) ?? 0);
  const result = await work();
  const wallMs = Date.now() - started;
  const own = process.cpuUsage(own0);
  const serverMs = server0 === null ? null : processCpuMs(serverPid) - server0;
  const machineMs = machine0 === null ? null : machineCpuMs() - machine0;
  const generatorMs = loadPid === null ? 0 : (processCpuMs(loadPid) ?? generator0) - generator0;
  const { pgMs, redisMs, ms: servicesMs } = await servicesUsed();
  const ownMs = (own.user + own.system) / 1000 + generatorMs;
  const share = (ms) => (ms === null ? null : ms / wallMs);
  result.cpu = {
    server: share(serverMs),
    load: ownMs / wallMs,
    pg: share(pgMs),
    redis: share(redisMs),
    other:
      serverMs === null || machineMs === null
        ? null
        : Math.max(0, machineMs - serverMs - ownMs - servicesMs) / wallMs,
  };
  return result;
}

const non2xx = (statuses) =>
  Object.entries(statuses)
    .filter(([code]) => !/(^| )2\d\d$/.test(code))
    .reduce((n, [, c]) => n + c, 0);

async function run(ctx) {
  const { log, options } = ctx;
  const problems = [];
  log(`  seeding ${CLIENTS} sessions × ${SEEDED_MESSAGES} messages`);
  const sessions = await seed(ctx);
  const explain = await explainHistory(ctx.db, sessions[0]);
  if (explain.seqScan) problems.push('the history query plan has a Seq Scan on chat_messages');

  log(`  polling warm-up ${WARMUP_MS / 1000} s, then ${options.duration} s measured`);
  const pollers = await startPollers(ctx, sessions);
  const seconds = Math.max(options.duration, 4);
  let polled;
  try {
    await pollers.poll(WARMUP_MS, false);
    polled = await withCpu(
      ctx.server.pid,
      ctx.services,
      () => pollers.poll(seconds * 1000, true),
      pollers.pid,
    );
  } finally {
    await pollers.stop();
  }
  const pollStats = stats(polled.latencies);
  if (non2xx(polled.statuses) > 0 || polled.errors > 0) {
    problems.push(`polling: ${JSON.stringify(polled.statuses)}, ${polled.errors} errors`);
  }

  log(`  message round trip: ${SENDERS} senders for ${seconds} s`);
  await messageRoundTrip(ctx, sessions.slice(-SENDERS), 1_000); // warm-up
  const sent = await withCpu(ctx.server.pid, ctx.services, () =>
    messageRoundTrip(ctx, sessions.slice(-2 * SENDERS, -SENDERS), seconds * 1000),
  );
  const sendStats = stats(sent.latencies);
  if (non2xx(sent.statuses) > 0 || sent.errors > 0) {
    problems.push(`messages: ${JSON.stringify(sent.statuses)}, ${sent.errors} errors`);
  }
  if (!sent.mockChecked) problems.push('POST /api/chat/message did not answer with a mock reply');

  return {
    mode: ctx.mode,
    seconds,
    poll: { ...pollStats, rps: pollStats.count / seconds, ...polled, latencies: undefined },
    send: { ...sendStats, rps: sendStats.count / seconds, statuses: sent.statuses, cpu: sent.cpu },
    disturbed: Math.max(polled.cpu.other ?? 0, sent.cpu.other ?? 0) > DISTURBED_CPU,
    explain,
    goals: {
      poll: pollStats.p99 <= GOALS.pollP99Ms,
      send: sendStats.p50 <= GOALS.messageP50Ms,
      plan: !explain.seqScan,
    },
    problems,
  };
}

const verdict = (ok) => (ok ? 'PASS' : 'MISSED');

/** "PostgreSQL 25 %, Redis 4 %" (Redis only in its mode). */
const services = (cpu) =>
  `PostgreSQL ${fmt.pct(cpu.pg)}` + (cpu.redis === null ? '' : `, Redis ${fmt.pct(cpu.redis)}`);

function summary(r) {
  return [
    `[${r.mode.id}] history polling, ${CLIENTS} clients every ${POLL_MS / 1000} s: ` +
      `${fmt.int(r.poll.rps)} req/s, p50 ${fmt.ms(r.poll.p50)} ms, p99 ${fmt.ms(r.poll.p99)} ms ` +
      `(goal ≤ ${GOALS.pollP99Ms}): ${verdict(r.goals.poll)}`,
    `[${r.mode.id}] POST /api/chat/message (mock reply): p50 ${fmt.ms(r.send.p50)} ms, ` +
      `p99 ${fmt.ms(r.send.p99)} ms (goal p50 ≤ ${GOALS.messageP50Ms}): ${verdict(r.goals.send)}`,
    `[${r.mode.id}] history query plan: ${r.explain.seqScan ? 'Seq Scan on chat_messages!' : 'no Seq Scan on chat_messages'} ` +
      `(${fmt.int(r.explain.rows)} rows)`,
    `[${r.mode.id}] CPU while polling: server ${fmt.pct(r.poll.cpu.server)}, load ${fmt.pct(r.poll.cpu.load)}, ` +
      `${services(r.poll.cpu)}, other processes ${fmt.pct(r.poll.cpu.other)} of a core` +
      (r.disturbed ? ' (DISTURBED: figures inconclusive)' : ''),
    `[${r.mode.id}] load generator's own event-loop delay: p99 ${fmt.ms(r.poll.generator.loopDelayP99Ms)} ms, ` +
      `max ${fmt.ms(r.poll.generator.loopDelayMaxMs)} ms`,
    ...r.problems.map((p) => `[${r.mode.id}] PROBLEM: ${p}`),
  ];
}

function render(results, meta) {
  const m = meta.machine;
  const lines = [
    '## Support chat polling',
    '',
    `Goals: ${CLIENTS} clients (one anonymous session each) polling \`GET /api/chat/history\` every ` +
      `${POLL_MS / 1000} s with their cursor: **p99 ≤ ${GOALS.pollP99Ms} ms**, no sequential scan on ` +
      `\`chat_messages\`; the mock reply round trip of \`POST /api/chat/message\`: **p50 ≤ ${GOALS.messageP50Ms} ms**.`,
    '',
    `Run ${meta.date} on ${m.cores} CPUs (${m.cpuModel}), Node ${m.node}, PostgreSQL ${meta.pgVersion}` +
      `${meta.redisVersion ? `, Redis ${meta.redisVersion}` : ''}. Each session starts with ${SEEDED_MESSAGES} ` +
      `messages; while the clients poll, a writer posts ${WRITES_PER_S} messages/s (each with its mock reply) ` +
      `to random sessions, so cursors move. ${WARMUP_MS / 1000} s of polling warm-up are not measured. ` +
      `The pollers and the writer run in a load-generator process of their own ([lib/chat-pollers.js](lib/chat-pollers.js): ` +
      `plain node:http, keep-alive, 64 sockets, one timer walking the clients in phase order) on the same cores; ` +
      `its own event-loop delay is measured, since any pause of it would count as latency. ` +
      `Chat limits raised for the bench (CHAT_READ_LIMIT, CHAT_MESSAGE_LIMIT, CHAT_CREATE_SESSION_LIMIT = 1,000,000), CHAT_MOCK_MODE=true.`,
    '',
    '| Mode | Route | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | goal |',
    '|---|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.mode.id} | \`GET /api/chat/history\` (${CLIENTS} pollers) | ${fmt.int(r.poll.count)} | ${fmt.int(r.poll.rps)} | ${fmt.ms(r.poll.p50)} | ${fmt.ms(r.poll.p90)} | ${fmt.ms(r.poll.p99)} | ${fmt.ms(r.poll.max)} | p99 ≤ ${GOALS.pollP99Ms}: **${verdict(r.goals.poll)}** |`,
      `| ${r.mode.id} | \`POST /api/chat/message\` (${SENDERS} senders, mock) | ${fmt.int(r.send.count)} | ${fmt.int(r.send.rps)} | ${fmt.ms(r.send.p50)} | ${fmt.ms(r.send.p90)} | ${fmt.ms(r.send.p99)} | ${fmt.ms(r.send.max)} | p50 ≤ ${GOALS.messageP50Ms}: **${verdict(r.goals.send)}** |`,
    );
  }
  for (const r of results) {
    lines.push(
      '',
      `**${r.mode.id}**: ${fmt.int(r.poll.newMessages)} new messages picked up by the pollers, ` +
        `${fmt.int(r.poll.writes)} messages written meanwhile, ${r.poll.skipped} polls skipped because ` +
        `the previous one of that client was still running. CPU (share of one core) while polling: ` +
        `server ${fmt.pct(r.poll.cpu.server)}, load generator ${fmt.pct(r.poll.cpu.load)}, ${services(r.poll.cpu)}, ` +
        `other processes ${fmt.pct(r.poll.cpu.other)}; while sending: server ${fmt.pct(r.send.cpu.server)}, ` +
        `${services(r.send.cpu)}, other ${fmt.pct(r.send.cpu.other)}. The load generator's own event-loop delay while polling: ` +
        `p99 ${fmt.ms(r.poll.generator.loopDelayP99Ms)} ms, max ${fmt.ms(r.poll.generator.loopDelayMaxMs)} ms.` +
        (r.disturbed
          ? ' **Disturbed run:** other processes competed for the cores; the latencies are inconclusive, prefer a rerun on a quiet machine.'
          : '') +
        (r.problems.length ? ` **Problems:** ${r.problems.join('; ')}.` : ''),
    );
  }
  const r = results[0];
  lines.push(
    '',
    `History query plan (${fmt.int(r.explain.rows)} rows in \`chat_messages\`; ` +
      `${r.explain.seqScan ? '**Seq Scan: FAIL**' : 'no Seq Scan: **PASS**'}):`,
    '',
    '```',
    r.explain.plan,
    '```',
    '',
    `Reproduce: \`${meta.command}\``,
  );
  return lines.join('\n');
}

module.exports = {
  id: 'chat-polling',
  title: 'Support chat polling',
  run,
  summary,
  render,
  valid: (r) => r.problems.length === 0,
};
