'use strict';
// The soak's mixed traffic (bench/soak.js): GPT Actions, support chat and LLM proxy requests
// started at a fixed rate in a fixed interleaved mix, at most `clients` at a time (keep-alive
// node:http). Open loop: a request due while every client is busy is skipped and counted, so a
// server that falls behind shows up as skipped requests instead of a slower offered rate.
const http = require('node:http');
const { REPLY } = require('./fake-openai-server');
const { analysisBody } = require('./fixtures');

const KINDS = ['gpt', 'chat', 'llm'];
const KIND_LABELS = { gpt: 'GPT Actions', chat: 'support chat', llm: 'LLM proxy' };

/** `weight`: per 100 requests; `expect`: the status a correct answer has. */
const ROUTES = [
  { id: 'gpt-devis', kind: 'gpt', label: 'GET /api/gpt/devis/:id', weight: 25, expect: 200 },
  { id: 'gpt-me', kind: 'gpt', label: 'GET /api/gpt/me', weight: 10, expect: 200 },
  {
    id: 'gpt-analysis',
    kind: 'gpt',
    label: 'POST /api/gpt/analysis',
    note: 'a new idempotencyKey each',
    weight: 5,
    expect: 201,
  },
  {
    id: 'chat-session',
    kind: 'chat',
    label: 'POST /api/chat/create-session',
    weight: 1,
    expect: 201,
  },
  {
    id: 'chat-message',
    kind: 'chat',
    label: 'POST /api/chat/message',
    note: 'mock reply',
    weight: 5,
    expect: 200,
  },
  {
    id: 'chat-history',
    kind: 'chat',
    label: 'GET /api/chat/history',
    note: 'with the session’s cursor',
    weight: 29,
    expect: 200,
  },
  { id: 'llm-chat', kind: 'llm', label: 'POST /api/llm/chat', weight: 15, expect: 200 },
  {
    id: 'llm-stream',
    kind: 'llm',
    label: 'POST /api/llm/chat',
    note: 'stream: true',
    weight: 10,
    expect: 200,
  },
];

const CHAT_MESSAGES = [
  'Bonjour, où en est mon devis de rénovation ?',
  'Le devis inclut-il la pose du carrelage ?',
  'Quel est le délai pour la salle de bains ?',
  'Pouvez-vous préciser la TVA appliquée ?',
];
const LLM_MESSAGE = 'Résume ce devis de rénovation de salle de bains en deux phrases.';

/** Smooth weighted round robin (as nginx does): the mix is exact over every 100 requests. */
function weightedRoundRobin(routes) {
  const total = routes.reduce((s, r) => s + r.weight, 0);
  const current = routes.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < routes.length; i++) {
      current[i] += routes[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    return routes[best];
  };
}

/** One request; resolves { status, headers, body, ms } (ms from just before sending). */
function send(agent, baseUrl, { method, path, headers = {}, body }, timeoutMs) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
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
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) =>
      reject(req.reusedSocket ? new Error(`${err.message} on a reused keep-alive socket`) : err),
    );
    req.end(payload);
  });
}

const sseData = (text) =>
  text
    .split('\n\n')
    .filter((b) => b.startsWith('data: '))
    .map((b) => JSON.parse(b.slice(6)));

/**
 * What each route sends and how its answer is checked. `state` holds the GPT key and devis,
 * the chat sessions (with their cursors) and the LLM user's token; `counts` what the database
 * should hold afterwards. `check(res)` returns a problem or null, and updates the state.
 */
function operations(state, counts) {
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  const gptAuth = { authorization: `Bearer ${state.gpt.key}` };
  const llmAuth = { authorization: `Bearer ${state.llm.token}` };
  let analyses = 0;
  let messages = 0;
  return {
    'gpt-devis': () => ({
      request: { method: 'GET', path: `/api/gpt/devis/${state.gpt.devisId}`, headers: gptAuth },
      check: (res) => (JSON.parse(res.body).id === state.gpt.devisId ? null : 'another devis'),
    }),
    'gpt-me': () => ({
      request: { method: 'GET', path: '/api/gpt/me', headers: gptAuth },
      check: (res) => (JSON.parse(res.body).name ? null : 'no key name'),
    }),
    'gpt-analysis': () => {
      const n = ++analyses;
      return {
        request: {
          method: 'POST',
          path: '/api/gpt/analysis',
          headers: gptAuth,
          body: analysisBody(state.gpt.analysisDevisId, n, `soak-${state.runId}-${n}`),
        },
        check: (res) => {
          if (res.headers['idempotent-replayed']) return 'replayed although the key was new';
          counts.analyses += 1;
          return null;
        },
      };
    },
    'chat-session': () => ({
      request: { method: 'POST', path: '/api/chat/create-session', body: {} },
      check: (res) => {
        const s = JSON.parse(res.body);
        counts.chatMessages += s.messages.length; // the welcome message
        state.chat.sessions.push({
          id: s.sessionId,
          token: s.sessionToken,
          cursor: s.messages.at(-1)?.sequence ?? 0,
        });
        return s.sessionToken ? null : 'no session token';
      },
    }),
    'chat-message': () => {
      const s = pick(state.chat.sessions);
      const text = `${CHAT_MESSAGES[messages % CHAT_MESSAGES.length]} (${++messages})`;
      return {
        request: {
          method: 'POST',
          path: '/api/chat/message',
          headers: { 'x-chat-token': s.token },
          body: { sessionId: s.id, message: text },
        },
        check: (res) => {
          const body = JSON.parse(res.body);
          counts.chatMessages += 1 + (body.reply ? 1 : 0);
          return body.reply?.role === 'assistant' ? null : 'no mock reply';
        },
      };
    },
    'chat-history': () => {
      const s = pick(state.chat.sessions);
      return {
        request: {
          method: 'GET',
          path: `/api/chat/history?sessionId=${s.id}&after=${s.cursor}`,
          headers: { 'x-chat-token': s.token },
        },
        check: (res) => {
          const { messages: got } = JSON.parse(res.body);
          if (got.length > 0) s.cursor = Math.max(s.cursor, got.at(-1).sequence);
          return got.every((m) => m.sequence > Number(res.after)) ? null : 'cursor ignored';
        },
        after: s.cursor,
      };
    },
    'llm-chat': () => ({
      request: {
        method: 'POST',
        path: '/api/llm/chat',
        headers: llmAuth,
        body: { provider: 'openai', message: LLM_MESSAGE },
      },
      check: (res) => (JSON.parse(res.body).data.response === REPLY ? null : 'unexpected answer'),
    }),
    'llm-stream': () => ({
      request: {
        method: 'POST',
        path: '/api/llm/chat',
        headers: llmAuth,
        body: { provider: 'openai', message: LLM_MESSAGE, stream: true },
      },
      check: (res) => {
        const events = sseData(res.body);
        const text = events
          .filter((e) => e.type === 'delta')
          .map((e) => e.text)
          .join('');
        return events.at(-1)?.type === 'done' && text === REPLY ? null : 'stream did not finish';
      },
    }),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const emptyTotals = () => ({
  sent: 0,
  ok: 0,
  statuses: {},
  unexpected: 0,
  serverErrors: 0,
  errors: 0,
  wrong: 0,
  latencies: [],
  problems: [],
});

class Traffic {
  /**
   * @param {object} o baseUrl, state (see `operations`), counts, rate (requests/s), clients
   *   (concurrent requests at most), timeoutMs (per request)
   */
  constructor({ baseUrl, state, counts, rate, clients, timeoutMs }) {
    this.baseUrl = baseUrl;
    this.rate = rate;
    this.clients = clients;
    this.timeoutMs = timeoutMs;
    // FIFO: every socket is reused every few requests, so none sits idle until the server's
    // keep-alive timeout (5 s) closes it just as it is picked again (an ECONNRESET that says
    // nothing about the server). LIFO, the default, leaves the last sockets idle for seconds.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: clients, scheduling: 'fifo' });
    this.ops = operations(state, counts);
    this.next = weightedRoundRobin(ROUTES);
    this.inFlight = new Set();
    this.dispatched = 0;
    /** 'warmup' until the caller says 'steady': latencies are kept for the steady phase only. */
    this.phase = 'warmup';
    this.skipped = { warmup: 0, steady: 0 };
    /** Whole run, per route. */
    this.totals = new Map(ROUTES.map((r) => [r.id, emptyTotals()]));
    this.interval = this.freshInterval();
  }

  freshInterval() {
    return Object.fromEntries(
      KINDS.map((k) => [k, { completed: 0, failed: 0, serverErrors: 0, latencies: [] }]),
    );
  }

  start() {
    this.t0 = performance.now();
    this.timer = setInterval(() => this.tick(), 5);
  }

  tick() {
    const due = Math.floor(((performance.now() - this.t0) / 1000) * this.rate);
    while (this.dispatched < due) {
      this.dispatched += 1;
      const route = this.next();
      if (this.inFlight.size >= this.clients) {
        this.skipped[this.phase] += 1;
        continue;
      }
      const p = this.fire(route).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  async fire(route) {
    const t = this.totals.get(route.id);
    const op = this.ops[route.id]();
    t.sent += 1;
    const note = (problem) => {
      if (t.problems.length < 3) t.problems.push(problem);
    };
    let res;
    try {
      res = await send(this.agent, this.baseUrl, op.request, this.timeoutMs);
    } catch (err) {
      t.errors += 1;
      this.interval[route.kind].failed += 1;
      note(err.message);
      return;
    }
    // The interval may have been taken meanwhile: count the answer in the current one.
    const now = this.interval[route.kind];
    t.statuses[res.status] = (t.statuses[res.status] ?? 0) + 1;
    if (res.status >= 200 && res.status < 300) t.ok += 1;
    if (res.status >= 500) {
      t.serverErrors += 1;
      now.serverErrors += 1;
    }
    if (res.status !== route.expect) {
      t.unexpected += 1;
      now.failed += 1;
      note(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      return;
    }
    let problem;
    try {
      problem = op.check({ ...res, after: op.after });
    } catch (err) {
      problem = `unreadable answer: ${err.message}`;
    }
    if (problem) {
      t.wrong += 1;
      now.failed += 1;
      note(problem);
      return;
    }
    now.completed += 1;
    now.latencies.push(res.ms);
    if (this.phase === 'steady') t.latencies.push(res.ms);
  }

  /** Per kind since the last call: answers, failures, 5xx and sorted latencies. */
  takeInterval() {
    const taken = this.interval;
    this.interval = this.freshInterval();
    for (const k of KINDS) taken[k].latencies = Float64Array.from(taken[k].latencies).sort();
    return taken;
  }

  /** Stops starting requests and waits for those in flight. */
  async stop() {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.agent.destroy();
  }
}

/** Per route and per kind: counts over the whole run, req/s and latencies over `steadySeconds`. */
function summarizeTotals(traffic, steadySeconds) {
  const routes = ROUTES.map((r) => {
    const t = traffic.totals.get(r.id);
    const sorted = Float64Array.from(t.latencies).sort();
    return { ...r, ...t, latencies: sorted };
  });
  const kinds = KINDS.map((kind) => {
    const mine = routes.filter((r) => r.kind === kind);
    const sum = (f) => mine.reduce((s, r) => s + f(r), 0);
    const sorted = Float64Array.from(mine.flatMap((r) => [...r.latencies])).sort();
    return {
      kind,
      label: KIND_LABELS[kind],
      sent: sum((r) => r.sent),
      ok: sum((r) => r.ok),
      unexpected: sum((r) => r.unexpected),
      serverErrors: sum((r) => r.serverErrors),
      errors: sum((r) => r.errors),
      wrong: sum((r) => r.wrong),
      steadyCompleted: sorted.length,
      rps: sorted.length / steadySeconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
    };
  });
  for (const r of routes) {
    r.steadyCompleted = r.latencies.length;
    r.rps = r.latencies.length / steadySeconds;
    r.p50 = percentile(r.latencies, 50);
    r.p99 = percentile(r.latencies, 99);
    r.max = r.latencies.length ? r.latencies[r.latencies.length - 1] : NaN;
    delete r.latencies;
  }
  return { routes, kinds };
}

module.exports = {
  KINDS,
  KIND_LABELS,
  ROUTES,
  Traffic,
  percentile,
  send,
  summarizeTotals,
};
