import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { toNodeHandler, type NodeMcpRequestHandler } from '@modelcontextprotocol/node';
import {
  type CallToolResult,
  createMcpHandler,
  type McpHttpHandler,
  type McpRequestContext,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type Tool,
} from '@modelcontextprotocol/server';
import type { Response } from 'express';
import type { AppRequest, AssistantCaller } from '../common/auth/principal';
import { appConfig, mcpConfig } from '../config';
import { OAuthServer } from '../oauth/oauth-server';
import { PERSON_REQUIRED_MESSAGE } from '../gpt-schema/gpt-action.decorator';
import {
  AssistantTools,
  type ToolCaller,
  type ToolDescriptor,
  type ToolOutcome,
} from './assistant-tools';

const SERVER_INFO = {
  name: 'passerelle',
  title: 'Passerelle',
  version: process.env.npm_package_version ?? '0.1.0',
};

const INSTRUCTIONS =
  'Passerelle serves French renovation quotes (devis) and their analyses. Look a quote up by ' +
  'its reference (findDevisByReference) or id (getDevis) before analysing it; amounts are euro ' +
  'cents with a formatted text; relay error messages to the user as they are. ' +
  'For a signed-in person it also keeps their timesheet: customers → projects → phases → ' +
  'activities and kinds of work (list tools take names as people say them), time entries ' +
  '(createTimeEntry, listMyTimeEntries, updateTimeEntry, deleteTimeEntry) and mySummary; ' +
  'every timesheet result gives `today` in their time zone: resolve "aujourd\'hui" and "hier" from it.';

/**
 * The MCP server behind /mcp: the official SDK's stateless HTTP handler (2026-07-28 requests,
 * and 2025-11-25 / 2025-06-18 clients through its stateless `initialize` fallback), a fresh
 * low-level `Server` per request answering `tools/list` and `tools/call` from AssistantTools.
 * Nothing is kept between requests, so any instance answers any call.
 */
@Injectable()
export class McpServerService implements OnModuleDestroy {
  private readonly logger = new Logger('Mcp');
  private readonly handler: McpHttpHandler;
  private readonly serve: NodeMcpRequestHandler;

  constructor(
    private readonly tools: AssistantTools,
    private readonly oauth: OAuthServer,
    @Inject(mcpConfig.KEY) private readonly config: ConfigType<typeof mcpConfig>,
    @Inject(appConfig.KEY) app: ConfigType<typeof appConfig>,
  ) {
    this.allowedOrigins = new Set([
      new URL(app.appUrl).origin,
      ...app.corsOrigins,
      ...config.allowedOrigins,
    ]);
    this.handler = createMcpHandler((ctx) => this.createServer(ctx), {
      legacy: 'stateless',
      // 'auto': one JSON body for 2026-07-28 requests (no tool notifies before its result);
      // the 2025-era fallback answers clients that accept it with a one-event SSE stream.
      maxRequestBodySize: config.maxBodyBytes,
      onerror: (err) => this.logger.debug({ err: err.message }, 'MCP request refused'),
    });
    this.serve = toNodeHandler(this.handler, { maxRequestBodySize: config.maxBodyBytes });
  }

  private readonly allowedOrigins: Set<string>;

  /** Serves one HTTP exchange of /mcp for an authenticated caller. */
  async handle(req: AppRequest, res: Response, principal: AssistantCaller): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin)) {
      // DNS-rebinding protection (MCP transports spec): a page on another origin may not call.
      res.status(403).json(jsonRpcError(-32600, 'Origin not allowed'));
      return;
    }
    const caller: ToolCaller = { principal, request: req, response: res };
    // The SDK hands `authInfo` to the server factory; the credential itself never goes in it.
    const nodeReq = Object.assign(req, {
      auth: { token: '', clientId: principalId(principal), scopes: [], extra: { caller } },
    });
    await this.serve(nodeReq, res);
  }

  async onModuleDestroy(): Promise<void> {
    await this.handler.close();
  }

  private createServer(ctx: McpRequestContext): Server {
    const caller = ctx.authInfo?.extra?.caller as ToolCaller | undefined;
    if (!caller) throw new Error('MCP request without an authenticated caller');
    const server = new Server(SERVER_INFO, {
      capabilities: { tools: { listChanged: false } },
      instructions: INSTRUCTIONS,
    });
    // A person's token shows and calls only what they granted; a GPT key, every action but
    // those acting as a person (it has none).
    const { principal } = caller;
    const granted = (scope: string | undefined) =>
      principal.kind === 'gpt-key' || !scope || principal.scopes.includes(scope);
    const personless = (name: string) =>
      principal.kind === 'gpt-key' && this.tools.options(name)?.person === true;
    server.setRequestHandler('tools/list', () => ({
      tools: this.tools
        .list()
        .filter((t) => !personless(t.name) && granted(this.tools.options(t.name)?.scope))
        .map((t) => this.withSecurity(t)) as unknown as Tool[],
    }));
    server.setRequestHandler('tools/call', async (request) => {
      const { name, arguments: args } = request.params;
      if (!this.tools.has(name)) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
      }
      if (personless(name))
        return toolError({ code: 'FORBIDDEN', message: PERSON_REQUIRED_MESSAGE });
      const scope = this.tools.options(name)?.scope;
      if (!granted(scope)) return this.insufficientScope(scope!);
      return this.toResult(await this.tools.call(name, args, caller));
    });
    return server;
  }

  /** ChatGPT reads per-tool auth from `securitySchemes` (sign-in needed, with which scopes). */
  private withSecurity(tool: ToolDescriptor) {
    const scope = this.tools.options(tool.name)?.scope;
    const securitySchemes = [{ type: 'oauth2', ...(scope ? { scopes: [scope] } : {}) }];
    return { ...tool, securitySchemes, _meta: { securitySchemes } };
  }

  /**
   * A tool the token's grant does not cover: a tool error whose `mcp/www_authenticate` tells
   * the client which scope to ask for (ChatGPT then restarts the sign-in for it).
   */
  private insufficientScope(scope: string): CallToolResult {
    const message = `This assistant was not allowed to do this: ask again for the ${scope} permission`;
    return {
      ...toolError({ code: 'INSUFFICIENT_SCOPE', message }),
      _meta: {
        'mcp/www_authenticate': [
          this.oauth.challenge({ code: 'insufficient_scope', description: message }, [scope]),
        ],
      },
    };
  }

  /** `structuredContent` plus the same JSON as text; business errors as `isError` results. */
  private toResult(outcome: ToolOutcome): CallToolResult {
    if (!outcome.ok) {
      const { code, message, details } = outcome;
      return toolError({ code, message, ...(details ? { details } : {}) });
    }
    const text = JSON.stringify(outcome.value);
    if (text.length > this.config.maxResultChars) {
      return toolError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `The result is ${text.length} characters, over the ${this.config.maxResultChars} an assistant can read: ask for a smaller page (linesLimit)`,
      });
    }
    return {
      content: [{ type: 'text', text }],
      structuredContent: outcome.value as Record<string, unknown>,
    };
  }
}

function toolError(error: { code: string; message: string; details?: unknown }): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify({ error }) }],
  };
}

function principalId(principal: AssistantCaller): string {
  return principal.kind === 'gpt-key' ? `gpt-key:${principal.key.id}` : `user:${principal.user.id}`;
}

function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0', id: null, error: { code, message } };
}
