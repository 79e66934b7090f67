'use strict';
// The load generator of bench/scenarios/chat-polling.js, in a process of its own: N visitors
// (one anonymous chat session each) polling GET /api/chat/history every POLL_MS with their
// cursor, plus a writer posting messages to random sessions.
//
// Why a process of its own, and so lean: a poll answers in 1–3 ms, so the generator's own pauses
// land in the latencies it records. Run inside the bench process (1,000 async loops, 1,000
// timers, the bench's pg client and modules on one heap) its garbage collections stopped it for
// 5–60 ms and counted as server latency. Here the visitors are one array walked in phase order
// by a single timer, latencies go into a preallocated Float64Array, and the process's own event
// loop delay is measured and reported next to the figures.
//
// Protocol (child_process.fork, IPC): the parent sends { cmd: 'init', baseUrl, sessions,
// pollMs, writesPerS }, then any number of { cmd: 'poll', ms, record }; each is answered with a
// result message. { cmd: 'exit' } ends the process.
const http = require('node:http');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

let baseUrl;
let pollMs;
let writesPerS;
/** [{ id, path prefix, headers, cursor, phase, busy }], sorted by phase. */
let visitors = [];

function send(method, path, headers, body, done) {
  const started = nowMs();
  const req = http.request(`${baseUrl}${path}`, { method, agent, headers }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => done(null, res.statusCode, Buffer.concat(chunks), nowMs() - started));
    res.on('error', (err) => done(err));
  });
  req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  req.on('error', (err) => done(err));
  req.end(body);
}

function run({ ms, record }) {
  return new Promise((resolve) => {
    const result = { statuses: {}, errors: 0, skipped: 0, newMessages: 0, writes: 0 };
    const latencies = new Float64Array(Math.ceil((visitors.length * ms) / pollMs) + 16);
    let count = 0;
    let pending = 0;
    let stopped = false;
    const tally = (status) => (result.statuses[status] = (result.statuses[status] ?? 0) + 1);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();

    const start = nowMs();
    const end = start + ms;
    const finish = () => {
      if (!stopped || pending > 0) return;
      delay.disable();
      resolve({
        ...result,
        latencies: Array.from(latencies.subarray(0, count)),
        generator: {
          loopDelayMaxMs: delay.max / 1e6,
          loopDelayP99Ms: delay.percentile(99) / 1e6,
        },
      });
    };

    const poll = (v) => {
      if (v.busy) {
        result.skipped++;
        return;
      }
      v.busy = true;
      pending++;
      send('GET', `${v.path}${v.cursor}`, v.headers, undefined, (err, status, body, latency) => {
        v.busy = false;
        pending--;
        if (err) result.errors++;
        else {
          tally(status);
          if (record && count < latencies.length) latencies[count++] = latency;
          if (status === 200) {
            const { messages } = JSON.parse(body.toString('utf8'));
            if (messages.length > 0) {
              v.cursor = messages[messages.length - 1].sequence;
              result.newMessages += messages.length;
            }
          }
        }
        finish();
      });
    };

    // One timer walks the visitors in phase order: visitor i polls at start + phase_i + k·pollMs.
    let cycle = 0;
    let next = 0;
    const tick = () => {
      const now = nowMs();
      while (!stopped) {
        const due = start + cycle * pollMs + visitors[next].phase;
        if (due >= end) {
          stopped = true;
          break;
        }
        if (due > now) {
          setTimeout(tick, due - now);
          return;
        }
        poll(visitors[next]);
        if (++next === visitors.length) {
          next = 0;
          cycle++;
        }
      }
      finish();
    };

    // The writer: WRITES_PER_S messages a second to random sessions, each with its mock reply.
    const write = () => {
      if (nowMs() >= end) return;
      const v = visitors[Math.floor(Math.random() * visitors.length)];
      const body = JSON.stringify({
        sessionId: v.id,
        message: `Any news about my quote? (${result.writes})`,
      });
      pending++;
      send('POST', '/api/chat/message', v.writeHeaders, body, (err, status) => {
        pending--;
        if (err) result.errors++;
        else {
          tally(`message ${status}`);
          result.writes++;
        }
        finish();
      });
      setTimeout(write, 1000 / writesPerS);
    };

    tick();
    write();
  });
}

process.on('message', async (m) => {
  if (m.cmd === 'init') {
    ({ baseUrl, pollMs, writesPerS } = m);
    visitors = m.sessions
      .map((s) => ({
        id: s.id,
        path: `/api/chat/history?sessionId=${s.id}&after=`,
        headers: { accept: 'application/json', 'x-chat-token': s.token },
        writeHeaders: {
          accept: 'application/json',
          'content-type': 'application/json',
          'x-chat-token': s.token,
        },
        cursor: s.cursor,
        phase: Math.random() * pollMs,
        busy: false,
      }))
      .sort((a, b) => a.phase - b.phase);
    process.send({ ok: true });
  } else if (m.cmd === 'poll') {
    process.send(await run(m));
  } else if (m.cmd === 'exit') {
    agent.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
