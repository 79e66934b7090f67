import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { analysisBody, devisBody } from './support/devis-fixtures';
import {
  bearer,
  createGptKey,
  loginAs,
  mistype,
  query,
  sleep,
  startTestApp,
  TestApp,
} from './support/test-app';

type Era = 'modern' | 'legacy';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
/** A browser-based MCP client (an inspector page) allowed through CORS_ORIGINS. */
const BROWSER_APP = 'https://inspector.example';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The MCP server at /mcp as ChatGPT apps, Claude connectors and agent tools meet it: the
 * official TypeScript client (@modelcontextprotocol/client) over real HTTP, in the 2026-07-28
 * era (server/discover, stateless requests) and the 2025 era (initialize), with a GPT key.
 */
describe('MCP server (/mcp) with the official client', () => {
  let t: TestApp;
  let staff: string;
  let gptKey: string;
  let gptKeyId: string;
  let devis: Json;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { METRICS_TOKEN, CORS_ORIGINS: BROWSER_APP } });
    staff = (await loginAs(t, 'staff')).token;
    const issued = await createGptKey(t, { rateLimitPerHour: 10_000, name: 'MCP agent' });
    gptKey = issued.plaintext;
    gptKeyId = issued.key.id;
    devis = (await t.http().post('/api/devis').set(bearer(staff)).send(devisBody()).expect(201))
      .body;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
  });

  async function connect(era: Era, key = gptKey): Promise<Client> {
    const client = new Client(
      { name: 'passerelle-e2e', version: '1.0.0' },
      { versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'legacy' } },
    );
    const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
      requestInit: { headers: bearer(key) },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const errorOf = (result: Json) => {
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    return JSON.parse(result.content[0].text).error as {
      code: string;
      message: string;
      details?: { field: string; messages: string[] }[];
    };
  };
  const analysesOf = async (devisId: string) =>
    Number(
      (
        await query<{ n: string }>(
          t,
          'SELECT count(*) AS n FROM gpt_analyses WHERE devis_id = $1',
          [devisId],
        )
      )[0].n,
    );

  describe.each<Era>(['modern', 'legacy'])('%s era', (era) => {
    let client: Client;
    beforeAll(async () => {
      client = await connect(era);
    });

    it('negotiates the expected protocol revision', () => {
      expect(client.getProtocolEra()).toBe(era);
      expect(client.getNegotiatedProtocolVersion()).toBe(
        era === 'modern' ? '2026-07-28' : '2025-11-25',
      );
    });

    it('lists exactly the GPT actions of the Action schema, with the same inputs', async () => {
      const schema = (await (await fetch(`${t.url}/api/gpt/openapi`)).json()) as Json;
      const operations = Object.values(schema.paths as Json).flatMap((item) =>
        Object.values(item as Json),
      ) as Json[];
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(
        operations.map((op) => op.operationId).sort(),
      );
      for (const op of operations) {
        const tool = tools.find((x) => x.name === op.operationId)!;
        const bodyRef = op.requestBody?.content['application/json'].schema.$ref as
          string | undefined;
        const bodyFields = bodyRef
          ? Object.keys(schema.components.schemas[bodyRef.split('/').pop()!].properties)
          : [];
        const params = ((op.parameters ?? []) as Json[])
          .filter((p) => p.in !== 'header')
          .map((p) => p.name as string);
        expect({
          tool: tool.name,
          fields: Object.keys(tool.inputSchema.properties ?? {}).sort(),
        }).toEqual({ tool: tool.name, fields: [...params, ...bodyFields].sort() });
        expect(tool.description).toBe(op.summary);
      }
    });

    it('gives every tool a title, explicit hints and an output schema', async () => {
      const { tools } = await client.listTools();
      for (const tool of tools) {
        expect(tool.title).toMatch(/\S/);
        expect(tool.description!.length).toBeLessThanOrEqual(300);
        expect(tool.annotations).toEqual({
          title: tool.title,
          readOnlyHint: expect.any(Boolean),
          destructiveHint: expect.any(Boolean),
          idempotentHint: expect.any(Boolean),
          openWorldHint: false,
        });
        expect(tool.outputSchema).toMatchObject({ type: 'object' });
        expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
        expect(JSON.stringify(tool)).not.toMatch(/#\/components\/|"nullable"|"example"/);
      }
      const hints = Object.fromEntries(
        tools.map((x) => [x.name, x.annotations!.readOnlyHint && !x.annotations!.destructiveHint]),
      );
      expect(hints).toEqual({
        getConnectionStatus: true,
        findDevisByReference: true,
        getDevis: true,
        listDevisAnalyses: true,
        createAnalysis: false,
      });
    });

    it('answers getDevis with the REST body, as structured content and the same JSON as text', async () => {
      // The client checks structuredContent against the tool's outputSchema (ajv) itself.
      const result = (await client.callTool({
        name: 'getDevis',
        arguments: { id: devis.reference, linesLimit: 2 },
      })) as Json;
      expect(result.isError).toBeFalsy();
      const rest = await t
        .http()
        .get(`/api/gpt/devis/${devis.reference}?linesLimit=2`)
        .set(bearer(gptKey))
        .expect(200);
      expect(result.structuredContent).toEqual(rest.body);
      expect(JSON.parse(result.content[0].text)).toEqual(rest.body);
      expect(result.structuredContent.lines).toHaveLength(2);
      expect(result.structuredContent.hasMoreLines).toBe(true);
    });

    it('finds a quote by reference, lists its analyses and reports the key', async () => {
      const found = (await client.callTool({
        name: 'findDevisByReference',
        arguments: { reference: devis.reference.toLowerCase() },
      })) as Json;
      expect(found.structuredContent).toMatchObject({ id: devis.id, reference: devis.reference });

      const status = (await client.callTool({
        name: 'getConnectionStatus',
        arguments: {},
      })) as Json;
      expect(status.structuredContent).toMatchObject({ name: 'MCP agent', rateLimit: 10_000 });
      expect(status.structuredContent.remaining).toBeGreaterThan(0);
      expect(status.structuredContent.remaining).toBeLessThan(10_000);

      const listed = (await client.callTool({
        name: 'listDevisAnalyses',
        arguments: { id: devis.id },
      })) as Json;
      expect(listed.structuredContent).toEqual({
        devisReference: devis.reference,
        analyses: expect.any(Array),
      });
    });

    it('records an analysis once per idempotency key, attributed to the key', async () => {
      const before = await analysesOf(devis.id);
      const args = { ...analysisBody(devis.id), idempotencyKey: `mcp-${era}-1` };
      const first = (await client.callTool({ name: 'createAnalysis', arguments: args })) as Json;
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent).toMatchObject({ devisId: devis.id, gptScore: 72 });
      const retry = (await client.callTool({ name: 'createAnalysis', arguments: args })) as Json;
      expect(retry.structuredContent.id).toBe(first.structuredContent.id);
      expect(await analysesOf(devis.id)).toBe(before + 1);
      const [row] = await query<{ api_key_id: string }>(
        t,
        'SELECT api_key_id FROM gpt_analyses WHERE id = $1',
        [first.structuredContent.id],
      );
      expect(row.api_key_id).toBe(gptKeyId);
    });

    it('answers invalid arguments with a tool error naming the field, storing nothing', async () => {
      const before = await analysesOf(devis.id);
      const bad = errorOf(
        (await client.callTool({
          name: 'createAnalysis',
          arguments: { ...analysisBody(devis.id), gptScore: 'high' },
        })) as Json,
      );
      expect(bad.code).toBe('VALIDATION_FAILED');
      expect(bad.details!.map((d) => d.field)).toEqual(['gptScore']);

      const extra = errorOf(
        (await client.callTool({
          name: 'createAnalysis',
          arguments: { ...analysisBody(devis.id), sneaky: true },
        })) as Json,
      );
      expect(extra.details).toEqual([
        { field: 'sneaky', messages: ['property sneaky should not exist'] },
      ]);
      expect(await analysesOf(devis.id)).toBe(before);

      const limit = errorOf(
        (await client.callTool({
          name: 'getDevis',
          arguments: { id: devis.id, linesLimit: 1000 },
        })) as Json,
      );
      expect(limit).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('linesLimit'),
      });

      const noId = errorOf((await client.callTool({ name: 'getDevis', arguments: {} })) as Json);
      expect(noId.details).toEqual([{ field: 'id', messages: ['id should not be empty'] }]);
      const objectId = errorOf(
        (await client.callTool({ name: 'getDevis', arguments: { id: { $ne: 1 } } })) as Json,
      );
      expect(objectId.details![0].field).toBe('id');
      const unknownArg = errorOf(
        (await client.callTool({ name: 'getDevis', arguments: { id: devis.id, foo: 1 } })) as Json,
      );
      expect(unknownArg.details).toEqual([
        { field: 'foo', messages: ['property foo should not exist'] },
      ]);
    });

    it('answers an unknown quote with NOT_FOUND, as the REST route does', async () => {
      const error = errorOf(
        (await client.callTool({ name: 'getDevis', arguments: { id: 'DEV-0000-NOPE' } })) as Json,
      );
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/DEV-0000-NOPE/);
      const unknownDevis = errorOf(
        (await client.callTool({
          name: 'createAnalysis',
          arguments: analysisBody('00000000-0000-4000-8000-000000000000'),
        })) as Json,
      );
      expect(unknownDevis.code).toBe('NOT_FOUND');
    });

    it('answers an unknown tool with a JSON-RPC invalid-params error', async () => {
      await expect(client.callTool({ name: 'dropTables', arguments: {} })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('Unknown tool: dropTables'),
      });
    });
  });

  describe('HTTP edges', () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/mcp`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          ...bearer(gptKey),
          ...headers,
        },
        body,
      });
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

    it('refuses a missing or mistyped key with 401 and a Bearer challenge, before reading the body', async () => {
      const none = await fetch(`${t.url}/mcp`, { method: 'POST', body: ping });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp", scope="quotes:read analyses:write timesheets:read timesheets:write"`,
      );
      expect(await none.json()).toMatchObject({ statusCode: 401, code: 'AUTH_REQUIRED' });
      const wrong = await post(ping, bearer(mistype(gptKey)));
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(
        /resource_metadata=.*error="invalid_token"/,
      );
      expect(await wrong.text()).not.toContain(gptKey);
    });

    it('answers malformed JSON with a JSON-RPC parse error', async () => {
      const res = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    });

    it('answers a non-JSON-RPC body with an invalid-request error', async () => {
      const res = await post(JSON.stringify({ hello: 'world' }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error.code).toBe(-32600);
    });

    it('refuses a body over MCP_MAX_BODY_BYTES with 413 and stores nothing', async () => {
      const before = await analysesOf(devis.id);
      const huge = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'createAnalysis',
          arguments: { ...analysisBody(devis.id), padding: 'x'.repeat(1_100_000) },
        },
      });
      const res = await post(huge);
      expect(res.status).toBe(413);
      expect(await analysesOf(devis.id)).toBe(before);
    });

    it('refuses a foreign Origin (DNS rebinding) with 403, accepts none and APP_URL', async () => {
      const foreign = await post(ping, { Origin: 'http://evil.example' });
      expect(foreign.status).toBe(403);
      expect(((await foreign.json()) as Json).error.code).toBe(-32600);
      const own = await post(ping, { Origin: 'http://localhost:3000' });
      expect(own.status).toBe(200);
    });

    it('lets an allowed browser client read the 401 challenge (CORS exposes WWW-Authenticate)', async () => {
      const res = await fetch(`${t.url}/mcp`, {
        method: 'POST',
        headers: { Origin: BROWSER_APP },
        body: ping,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin')).toBe(BROWSER_APP);
      expect(res.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
      const allowed = await post(ping, { Origin: BROWSER_APP });
      expect(allowed.status).toBe(200);
    });

    it('is stateless: GET (a 2025 SSE stream) and DELETE (end a session) answer 405', async () => {
      for (const method of ['GET', 'DELETE']) {
        const res = await fetch(`${t.url}/mcp`, {
          method,
          headers: { Accept: 'text/event-stream', ...bearer(gptKey) },
        });
        expect({ method, status: res.status, allow: res.headers.get('allow') }).toEqual({
          method,
          status: 405,
          allow: 'POST',
        });
        expect(await res.json()).toMatchObject({ statusCode: 405, code: 'METHOD_NOT_ALLOWED' });
      }
    });
  });

  it('counts /mcp requests against the key hourly limit and usage, as /api/gpt does', async () => {
    const issued = await createGptKey(t, { rateLimitPerHour: 4, name: 'Tiny MCP' });
    const client = await connect('modern', issued.plaintext); // server/discover: 1
    await client.callTool({ name: 'getConnectionStatus', arguments: {} }); // 2
    await client.callTool({ name: 'getDevis', arguments: { id: devis.id } }); // 3
    const last = (await client.callTool({ name: 'getConnectionStatus', arguments: {} })) as Json; // 4
    expect(last.structuredContent.remaining).toBe(0);
    await expect(client.callTool({ name: 'getConnectionStatus', arguments: {} })).rejects.toThrow(
      /429/,
    );
    const raw = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(issued.plaintext) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(raw.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await raw.json()).toMatchObject({ code: 'RATE_LIMITED' });

    let usage = 0;
    for (let i = 0; i < 50 && usage < 4; i++) {
      await sleep(100);
      const [row] = await query<{ usage_count: string }>(
        t,
        'SELECT usage_count FROM gpt_api_keys WHERE id = $1',
        [issued.key.id],
      );
      usage = Number(row.usage_count);
    }
    expect(usage).toBe(4);
  });

  it('records every tool call (caller, tool, outcome, code, duration) and counts it in /metrics', async () => {
    const issued = await createGptKey(t, { rateLimitPerHour: 100, name: 'Logged agent' });
    const client = await connect('legacy', issued.plaintext);
    await client.callTool({ name: 'getDevis', arguments: { id: devis.id } });
    await client.callTool({ name: 'getDevis', arguments: { id: 'DEV-0000-NOPE' } });
    await client.callTool({ name: 'createAnalysis', arguments: { gptScore: -1 } });
    await client.listTools(); // not a tool call

    let rows: Json[] = [];
    for (let i = 0; i < 50 && rows.length < 3; i++) {
      await sleep(100);
      rows = await query(
        t,
        `SELECT tool, outcome, error_code, duration_ms, user_id, request_id
           FROM assistant_tool_calls WHERE gpt_key_id = $1 ORDER BY called_at`,
        [issued.key.id],
      );
    }
    expect(rows).toEqual([
      expect.objectContaining({ tool: 'getDevis', outcome: 'success', error_code: null }),
      expect.objectContaining({ tool: 'getDevis', outcome: 'error', error_code: 'NOT_FOUND' }),
      expect.objectContaining({
        tool: 'createAnalysis',
        outcome: 'error',
        error_code: 'VALIDATION_FAILED',
      }),
    ]);
    for (const row of rows) {
      expect(row.duration_ms).toBeGreaterThanOrEqual(0);
      expect(row.user_id).toBeNull();
      expect(row.request_id).toMatch(/\S/);
    }

    const metrics = (await t.http().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;
    expect(metrics).toMatch(
      /passerelle_assistant_tool_calls_total\{tool="getDevis",caller="gpt-key",outcome="error",code="NOT_FOUND"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /passerelle_assistant_tool_call_duration_seconds_count\{tool="createAnalysis",outcome="error"\} [1-9]/,
    );
  });
});
