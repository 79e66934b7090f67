'use strict';
// What a real MCP client puts on the wire: the official TypeScript client
// (@modelcontextprotocol/client) connects to the server through a logging pass-through proxy
// on loopback and calls one tool; the proxy keeps every HTTP exchange (method, path, request
// headers as sent, body bytes, status, response headers and body). The mcp scenario replays the
// captured tools/call request under load, so the bench sends exactly what such a client sends.
const { existsSync, readFileSync } = require('node:fs');
const http = require('node:http');
const path = require('node:path');

/** Headers that belong to one connection or one message, not to the request a client makes. */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'proxy-connection',
  'te',
  'upgrade',
]);

/** A pass-through proxy to `target` (base URL) on 127.0.0.1 that records every exchange. */
function startLoggingProxy(target) {
  const upstream = new URL(target);
  const exchanges = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const exchange = {
        method: req.method,
        path: req.url,
        // Pairs as received, in order and with the client's spelling.
        rawHeaders: pairs(req.rawHeaders),
        body: body.toString('utf8'),
        response: null,
      };
      exchanges.push(exchange);
      const headers = { ...req.headers, host: upstream.host };
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (up) => {
          const answer = [];
          up.on('data', (c) => answer.push(c));
          up.on('end', () => {
            const text = Buffer.concat(answer);
            exchange.response = {
              status: up.statusCode,
              headers: up.headers,
              body: text.toString('utf8'),
            };
            res.writeHead(up.statusCode, up.rawHeaders);
            res.end(text);
          });
        },
      );
      out.on('error', (err) => {
        exchange.response = { status: 502, headers: {}, body: err.message };
        res.writeHead(502).end(err.message);
      });
      out.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        baseUrl: `http://127.0.0.1:${server.address().port}`,
        exchanges,
        close: () =>
          new Promise((done) => {
            agent.destroy();
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

function pairs(raw) {
  const list = [];
  for (let i = 0; i < raw.length; i += 2) list.push([raw[i], raw[i + 1]]);
  return list;
}

/**
 * Runs the official client once against `baseUrl`/mcp with `headers` (the Bearer key), pinned
 * to `protocolVersion`, calls `tool` with `args`, and returns what it sent: every exchange, the
 * tools/call one, the client's result, its version and the negotiated protocol.
 */
async function captureToolCall({ baseUrl, headers, tool, args, protocolVersion = '2026-07-28' }) {
  const { Client, StreamableHTTPClientTransport } = require('@modelcontextprotocol/client');
  const clientVersion = packageVersion('@modelcontextprotocol/client');
  const proxy = await startLoggingProxy(baseUrl);
  const client = new Client(
    { name: 'passerelle-bench', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: protocolVersion } } },
  );
  try {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxy.baseUrl}/mcp`), {
      requestInit: { headers },
    });
    await client.connect(transport);
    const result = await client.callTool({ name: tool, arguments: args });
    const negotiated = client.getNegotiatedProtocolVersion?.() ?? null;
    await client.close();
    const calls = proxy.exchanges.filter((e) => jsonMethod(e.body) === 'tools/call');
    if (calls.length !== 1) {
      throw new Error(
        `expected one tools/call exchange from the official client, saw ${calls.length} ` +
          `(${proxy.exchanges.map((e) => `${e.method} ${jsonMethod(e.body) ?? '-'}`).join(', ')})`,
      );
    }
    return {
      clientVersion,
      negotiated,
      exchanges: proxy.exchanges,
      call: calls[0],
      result,
    };
  } finally {
    await client.close().catch(() => undefined);
    await proxy.close();
  }
}

/** A package's version, read beside its entry point (its exports do not list package.json). */
function packageVersion(name) {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function jsonMethod(body) {
  try {
    return JSON.parse(body).method ?? null;
  } catch {
    return null;
  }
}

/** The captured request as a replayable target: its headers minus hop-by-hop ones, its body. */
function replayable(call) {
  const headers = {};
  for (const [name, value] of call.rawHeaders) {
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value;
  }
  return { method: call.method, path: call.path, headers, body: call.body };
}

/** Header lines for a report, the credential masked. */
function describeHeaders(headers) {
  return Object.entries(headers).map(([name, value]) =>
    name.toLowerCase() === 'authorization' ? `${name}: Bearer torp_gpt_…` : `${name}: ${value}`,
  );
}

module.exports = { captureToolCall, replayable, describeHeaders, startLoggingProxy, HOP_BY_HOP };
