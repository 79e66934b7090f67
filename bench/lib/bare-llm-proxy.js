'use strict';
// The floor of any LLM proxy, for bench/scenarios/llm-proxy.js: a bare node:http server that
// forwards one chat message to the loopback provider with fetch (the HTTP client the `ai` SDK
// uses) and answers — no auth, no key lookup, no database, no logging, no SDK. What it adds to
// calling the provider directly is what one extra HTTP hop plus an outbound fetch cost on this
// machine; the app cannot add less.
//
// Run as a child process: PROVIDER_URL (…/v1) in the environment; sends { ready: port } over IPC.
const { startChildServer } = require('./child-server');
const http = require('node:http');

function main() {
  const providerUrl = `${process.env.PROVIDER_URL}/chat/completions`;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const { message, stream } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const upstream = await fetch(providerUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bare' },
          body: JSON.stringify({
            model: 'gpt-4-turbo-preview',
            messages: [{ role: 'user', content: message }],
            ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
          }),
        });
        if (stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for await (const piece of upstream.body) res.write(piece);
          res.end();
          return;
        }
        const body = await upstream.json();
        const out = JSON.stringify({
          success: true,
          data: { response: body.choices[0].message.content, model: body.model, usage: body.usage },
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(out);
      } catch (err) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(err.message));
      }
    });
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  server.listen(0, '127.0.0.1', () => process.send?.({ ready: server.address().port }));
}

/** Forks this file; resolves with { baseUrl, pid, stop() } once it listens. */
function startBareLlmProxy(providerUrl, { timeoutMs = 10_000 } = {}) {
  return startChildServer(__filename, {
    label: 'bare LLM proxy',
    env: { PROVIDER_URL: providerUrl },
    timeoutMs,
  });
}

if (require.main === module) main();

module.exports = { startBareLlmProxy };
