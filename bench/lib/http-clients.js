'use strict';
// N concurrent closed-loop HTTP clients (each sends its next request when the previous answer
// has ended), measuring per request the whole response and the time to the first byte of the
// body. autocannon reports whole responses only; for streams the first byte is what a user
// sees first.
const http = require('node:http');

let active = null;

/** Stops the run in progress (Ctrl-C): in-flight requests end, no new ones start. */
function stopClients() {
  if (active) active.stopped = true;
}

/** One request; resolves { status, ms, ttfbMs, body } (times in ms, from just before sending). */
function once(agent, target) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      target.url,
      { method: target.method ?? 'GET', headers: target.headers, agent },
      (res) => {
        let ttfb = null;
        const chunks = [];
        res.on('data', (c) => {
          ttfb ??= process.hrtime.bigint();
          chunks.push(c);
        });
        res.on('end', () => {
          const end = process.hrtime.bigint();
          resolve({
            status: res.statusCode,
            ms: Number(end - started) / 1e6,
            ttfbMs: Number((ttfb ?? end) - started) / 1e6,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(target.body);
  });
}

/**
 * Runs `clients` loops against `target` ({ route, url, method, headers, body, check(res) →
 * problem string or null }) for `seconds`, or until `amount` requests were sent. Returns the
 * latencies, times to first byte, counts and the first few problems.
 */
async function runClients(target, { clients, seconds, amount }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const state = { stopped: false };
  active = state;
  const deadline = seconds ? Date.now() + seconds * 1000 : Infinity;
  const result = {
    route: target.route,
    latencies: [],
    ttfbs: [],
    completed: 0,
    failed: 0,
    problems: [],
  };
  let sent = 0;
  const started = Date.now();
  const loop = async () => {
    while (!state.stopped && Date.now() < deadline && (!amount || sent < amount)) {
      sent += 1;
      try {
        const res = await once(agent, target);
        const problem =
          res.status !== 200
            ? `HTTP ${res.status}: ${res.body.slice(0, 300)}`
            : target.check?.(res);
        if (problem) {
          result.failed += 1;
          if (result.problems.length < 3) result.problems.push(`${target.route}: ${problem}`);
          continue;
        }
        result.completed += 1;
        result.latencies.push(res.ms);
        result.ttfbs.push(res.ttfbMs);
      } catch (err) {
        result.failed += 1;
        if (result.problems.length < 3) result.problems.push(`${target.route}: ${err.message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, loop));
  } finally {
    agent.destroy();
    if (active === state) active = null;
  }
  result.seconds = (Date.now() - started) / 1000;
  result.sent = sent;
  return result;
}

module.exports = { runClients, stopClients };
