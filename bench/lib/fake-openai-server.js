'use strict';
// A loopback LLM provider for bench/scenarios/llm-proxy.js: POST /v1/chat/completions in
// OpenAI's wire format (the one @ai-sdk/openai's .chat() model speaks), as JSON or as SSE with a
// final usage chunk. A plain-JS port of the OpenAI part of test/support/fake-llm-providers.ts:
// keep the two alike. It answers at once (no model to wait for), so what the bench measures on
// top of it is the proxy's own cost.
//
// Run it as a child process (child_process.fork, like bare-devis-server.js): it listens on a free
// port of 127.0.0.1 and sends { ready: port } over IPC; it exits on SIGTERM/SIGINT or when its
// parent goes away. Its own process keeps its event loop apart from the bench's clients.
const { startChildServer } = require('./child-server');
const http = require('node:http');

const REPLY_PIECES = ['Bonjour ', 'depuis ', 'le ', 'faux ', 'fournisseur.'];
const REPLY = REPLY_PIECES.join('');
const USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

function completion(model) {
  return JSON.stringify({
    id: 'chatcmpl-bench1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: REPLY },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: USAGE,
  });
}

/** The SSE body: role chunk + first delta in the first write, then one write per event. */
function chunks(model) {
  const base = {
    id: 'chatcmpl-bench2',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
  };
  const chunk = (choices, extra = {}) =>
    `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;
  const delta = (content) => chunk([{ index: 0, delta: { content }, finish_reason: null }]);
  const out = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]) +
      delta(REPLY_PIECES[0]),
  ];
  for (const piece of REPLY_PIECES.slice(1)) out.push(delta(piece));
  out.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  out.push(chunk([], { usage: USAGE }));
  out.push('data: [DONE]\n\n');
  return out;
}

function handle(req, res) {
  const body = [];
  req.on('data', (c) => body.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route"}');
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(Buffer.concat(body).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
      return;
    }
    const model = parsed.model ?? 'unknown';
    if (!parsed.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(completion(model));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const parts = chunks(model);
    let i = 0;
    // One event per event-loop turn: a stream, not one buffer.
    const next = () => {
      if (res.destroyed) return;
      if (i === parts.length) return void res.end();
      res.write(parts[i++]);
      setImmediate(next);
    };
    next();
  });
}

function main() {
  const server = http.createServer(handle);
  server.keepAliveTimeout = 60_000;
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the bench died: do not linger
  server.listen(0, '127.0.0.1', () => process.send?.({ ready: server.address().port }));
}

/** Forks this file; resolves with { baseUrl, pid, stop() } once it listens. */
function startFakeOpenAi({ nodeArgs = [], timeoutMs = 10_000 } = {}) {
  return startChildServer(__filename, { label: 'loopback LLM provider', nodeArgs, timeoutMs });
}

if (require.main === module) main();

module.exports = { REPLY, USAGE, startFakeOpenAi };
