'use strict';
// The SDK floor of bench/scenarios/mcp.js: one plain node:http server (no Nest, no Express, no
// database, no auth) with two routes answering the same devis JSON, given at start:
//   POST /mcp     through exactly the SDK entry the app uses (src/mcp/mcp-server.service.ts):
//                 `createMcpHandler` (legacy: 'stateless') behind `toNodeHandler`, a fresh
//                 low-level `Server` per request with `tools/list` and `tools/call` handlers;
//                 its `getDevis` tool returns the body as structuredContent plus the same JSON as
//                 text (what the MCP spec asks), with no I/O.
//   GET  /devis   the same body with `res.end(json)`.
// Both answers are ready before the first request (the object parsed once, the text is the body
// itself), so floor MCP − floor GET is what the SDK's HTTP entry and JSON-RPC layer cost per call
// by themselves, before any work of a real server (not even the JSON.stringify of the text).
//
// Run it as a child process (startMcpFloorServer): MCP_FLOOR_BODY (the REST body) in the
// environment; it listens on a free port of 127.0.0.1 and sends { ready: port } over IPC. It
// exits on SIGTERM/SIGINT or when its parent goes away.
const http = require('node:http');
const { startChildServer } = require('./child-server');

const TOOL = 'getDevis';
/** MCP_MAX_BODY_BYTES's default (src/config/mcp.config.ts), given to both SDK layers as the app does. */
const MAX_BODY_BYTES = 1_048_576;
const SERVER_INFO = { name: 'passerelle-mcp-floor', title: 'MCP SDK floor', version: '0.0.0' };
const TOOL_DESCRIPTOR = {
  name: TOOL,
  description: 'A devis (renovation quote) by id: totals, TVA breakdown, lines, analyses.',
  inputSchema: {
    type: 'object',
    properties: { id: { type: 'string', description: 'The devis id (UUID)' } },
    required: ['id'],
  },
};

function createFloorServer(json) {
  const {
    createMcpHandler,
    ProtocolError,
    ProtocolErrorCode,
    Server,
  } = require('@modelcontextprotocol/server');
  const { toNodeHandler } = require('@modelcontextprotocol/node');
  const value = JSON.parse(json);
  const result = { content: [{ type: 'text', text: json }], structuredContent: value };
  const notFound = {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify({ error: { code: 'NOT_FOUND' } }) }],
  };

  // As McpServerService.createServer: a fresh low-level Server per request.
  const handler = createMcpHandler(
    () => {
      const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } } });
      server.setRequestHandler('tools/list', () => ({ tools: [TOOL_DESCRIPTOR] }));
      server.setRequestHandler('tools/call', (request) => {
        const { name, arguments: args } = request.params;
        if (name !== TOOL) {
          throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
        }
        return args?.id === value.id ? result : notFound;
      });
      return server;
    },
    {
      legacy: 'stateless',
      maxRequestBodySize: MAX_BODY_BYTES,
      onerror: (err) => process.stderr.write(`mcp-floor-server: ${err.message}\n`),
    },
  );
  const serve = toNodeHandler(handler, { maxRequestBodySize: MAX_BODY_BYTES });
  const length = String(Buffer.byteLength(json));

  const server = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/mcp') {
      // The app hands the SDK an authInfo too (its caller); the SDK only passes it through.
      req.auth = { token: '', clientId: 'floor', scopes: [], extra: {} };
      serve(req, res).catch((err) => {
        process.stderr.write(`mcp-floor-server: ${err.stack}\n`);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    if (req.method === 'GET' && path === '/devis') {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': length,
      });
      res.end(json);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"NOT_FOUND"}');
  });
  return { server, handler };
}

function main() {
  const json = process.env.MCP_FLOOR_BODY;
  if (!json) throw new Error('MCP_FLOOR_BODY is not set');
  const { server, handler } = createFloorServer(json);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    Promise.resolve(handler.close?.())
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the bench died: do not linger
  server.listen(0, '127.0.0.1', () => process.send?.({ ready: server.address().port }));
}

/**
 * Forks this file serving `json` (the REST body); resolves with { baseUrl, pid, output(), stop() }
 * once it listens. `nodeArgs`: the app's production flags plus BENCH_SERVER_NODE_ARGS, so it runs
 * (and is profiled) like the server it is compared with.
 */
function startMcpFloorServer(json, { nodeArgs = [], timeoutMs = 15_000 } = {}) {
  return startChildServer(__filename, {
    label: 'MCP SDK floor',
    env: { MCP_FLOOR_BODY: json },
    nodeArgs,
    timeoutMs,
  });
}

if (require.main === module) main();

module.exports = { startMcpFloorServer, TOOL };
