'use strict';
// Load runs with autocannon, and their figures merged per route.
const autocannon = require('autocannon');
const { readFileSync } = require('node:fs');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Clock ticks per second of /proc/<pid>/stat; 100 on Linux builds in practice. */
const CLOCK_TICKS = 100;

/** CPU time (ms, user + system, all threads) a process has used, or null off Linux. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime, stime
  } catch {
    return null;
  }
}

/** CPU time (ms) all processes of the machine used, or null off Linux. */
function machineCpuMs() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const delta = (a, b) => (a === null || b === null ? null : b - a);

let active = null;

/** Stops the run in progress (Ctrl-C). */
function stopActiveRun() {
  active?.stop();
}

/**
 * One autocannon run against `target` ({ route, url, headers }), for `duration` seconds or
 * exactly `amount` requests. Keeps every latency so runs can be merged exactly, except each
 * connection's first response: autocannon opens all connections at once, and a saturated
 * server admits them one event-loop turn at a time, so those wait up to ~0.7 s here (plain
 * Express does the same). In short alternating runs they would make up the p99. With
 * `services` (bench/lib/services.js), the CPU PostgreSQL and Redis used meanwhile is measured
 * and left out of "other".
 */
async function fire(target, { duration, amount, connections, pipelining, serverPid, services }) {
  const latencies = [];
  const firstLatencies = [];
  const seen = new Set();
  const servicesUsed = services ? await services.start() : null;
  const serverCpu0 = processCpuMs(serverPid);
  const machineCpu0 = machineCpuMs();
  const loadCpu0 = process.cpuUsage();
  const startedNs = process.hrtime.bigint();
  const result = await new Promise((resolve, reject) => {
    active = autocannon(
      {
        url: target.url,
        headers: target.headers ?? {},
        // A POST target (e.g. a replayed MCP request) carries its method and body.
        ...(target.method ? { method: target.method } : {}),
        ...(target.body !== undefined ? { body: target.body } : {}),
        // Every response's body must equal this, else it counts as a mismatch (a 200 can carry
        // an error, e.g. an MCP tool error result).
        ...(target.expectBody !== undefined ? { expectBody: target.expectBody } : {}),
        connections,
        pipelining,
        ...(amount ? { amount } : { duration }),
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    active.on('response', (client, _status, _bytes, ms) => {
      if (seen.has(client)) return latencies.push(ms);
      seen.add(client);
      firstLatencies.push(ms);
    });
  }).finally(() => (active = null));
  const endedNs = process.hrtime.bigint();
  const serverCpuMs = delta(serverCpu0, processCpuMs(serverPid));
  const machineCpuMsUsed = delta(machineCpu0, machineCpuMs());
  const loadCpu = process.cpuUsage(loadCpu0);
  const loadCpuMs = (loadCpu.user + loadCpu.system) / 1000;
  const {
    pgMs,
    redisMs,
    ms: servicesMs,
  } = servicesUsed ? await servicesUsed() : { pgMs: null, redisMs: null, ms: 0 };
  return {
    route: target.route,
    seconds: result.duration,
    completed: result.requests.total,
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    /** Responses whose body differed from `target.expectBody` (0 when none was given). */
    mismatches: result.mismatches ?? 0,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
    ),
    latencies,
    /** Latency of each connection's first response, left out of the percentiles. */
    firstLatencies,
    serverCpuMs,
    loadCpuMs,
    /**
     * The run's span on the monotonic clock (µs), the clock of V8's CPU profiles: a profiled
     * server's samples can be told apart per route (bench/lib/cpu-profile.js).
     */
    window: { startUs: Number(startedNs / 1000n), endUs: Number(endedNs / 1000n) },
    /** PostgreSQL's backends and Redis serving the run (`services`, bench/lib/services.js). */
    pgCpuMs: pgMs,
    redisCpuMs: redisMs,
    /** CPU used by everything else on the machine (other builds and tests compete too). */
    otherCpuMs:
      machineCpuMsUsed === null || serverCpuMs === null
        ? null
        : Math.max(0, machineCpuMsUsed - serverCpuMs - loadCpuMs - servicesMs),
  };
}

/**
 * Measures `targets` for `duration` seconds each, split into `rounds` and alternating the order
 * (A B, B A, A B, …) so slow drift affects every route alike. With `quiet`
 * ({ maxOtherCpu, retries }), a round during which other processes used more than
 * `maxOtherCpu` cores is run again, at most `retries` times in all (a shared machine's builds
 * and tests come in bursts). A target's server is `target.pid`, else `serverPid` (several
 * servers can be compared). `fire` replaces autocannon's run, e.g. closed-loop clients
 * (bench/lib/llm-targets.js `measure`): it gets the target and { ...load, serverPid, duration }
 * and resolves { route, completed, seconds, otherCpuMs }. Returns the kept runs and the
 * discarded ones, per route.
 */
async function measureAlternating(
  targets,
  { duration, rounds, pause = 500, log, quiet, fire: fireOne = fire, ...load },
) {
  const runs = new Map(targets.map((t) => [t.route, []]));
  const discarded = new Map(targets.map((t) => [t.route, []]));
  const perRound = duration / rounds;
  let retries = quiet?.retries ?? 0;
  for (let round = 0; round < rounds;) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const roundRuns = [];
    for (const target of order) {
      const serverPid = target.pid ?? load.serverPid;
      const run = await fireOne(target, { ...load, serverPid, duration: perRound });
      const other = run.otherCpuMs === null ? 0 : run.otherCpuMs / (run.seconds * 1000);
      log(
        `  round ${round + 1}/${rounds} ${target.label ?? target.route}: ${Math.round(run.completed / run.seconds)} req/s` +
          ` (other processes: ${Math.round(other * 100)} % of a core)`,
      );
      roundRuns.push({ run, other });
      await sleep(pause);
    }
    const disturbed = quiet && roundRuns.some((p) => p.other > quiet.maxOtherCpu);
    if (disturbed && retries > 0) {
      retries -= 1;
      log(`  round ${round + 1} disturbed by other processes: run again (${retries} retries left)`);
      for (const { run } of roundRuns) discarded.get(run.route).push(run);
      continue;
    }
    for (const { run } of roundRuns) runs.get(run.route).push(run);
    round += 1;
  }
  return { runs, discarded };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One route's figures over several runs: totals summed, latencies pooled. */
function summarize(runs) {
  const sum = (f) => runs.reduce((acc, r) => acc + f(r), 0);
  const seconds = sum((r) => r.seconds);
  const latencies = Float64Array.from(runs.flatMap((r) => r.latencies)).sort();
  const firsts = runs.flatMap((r) => r.firstLatencies ?? []);
  const share = (field) =>
    runs.every((r) => r[field] !== null) ? sum((r) => r[field]) / (seconds * 1000) : null;
  const statusCodes = {};
  for (const r of runs) {
    for (const [code, n] of Object.entries(r.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + n;
  }
  return {
    route: runs[0].route,
    seconds,
    completed: sum((r) => r.completed),
    sent: sum((r) => r.sent),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    mismatches: sum((r) => r.mismatches ?? 0),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    statusCodes,
    rps: sum((r) => r.completed) / seconds,
    perRoundRps: runs.map((r) => r.completed / r.seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies[latencies.length - 1] : NaN,
    /** Slowest first response of a connection (left out of p50/p99, see `fire`). */
    firstResponseMax: firsts.length > 0 ? Math.max(...firsts) : NaN,
    /** Cores used by the server, by autocannon, by other processes during this route's runs. */
    serverCpu: share('serverCpuMs'),
    /** Server CPU time per request (µs): less sensitive to CPU contention than req/s. */
    serverCpuPerRequestUs: runs.every((r) => r.serverCpuMs !== null)
      ? (sum((r) => r.serverCpuMs) * 1000) / sum((r) => r.completed)
      : null,
    loadCpu: share('loadCpuMs'),
    pgCpu: share('pgCpuMs'),
    /** PostgreSQL backends' CPU time per request (µs), or null when unknown. */
    pgCpuPerRequestUs: runs.every((r) => r.pgCpuMs !== null)
      ? (sum((r) => r.pgCpuMs) * 1000) / sum((r) => r.completed)
      : null,
    redisCpu: share('redisCpuMs'),
    otherCpu: share('otherCpuMs'),
  };
}

module.exports = { fire, measureAlternating, summarize, stopActiveRun, processCpuMs, machineCpuMs };
