import { All, Controller, HttpCode, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../common/auth/auth.decorator';
import type { AppRequest } from '../common/auth/principal';
import { McpServerService } from './mcp-server.service';

/**
 * The remote MCP server (Streamable HTTP, stateless) that ChatGPT apps, Claude connectors and
 * agent tools call. Its tools are the routes marked `@GptAction()`; see docs/ASSISTANTS.md.
 */
@ApiTags('mcp')
@Auth('gpt-key')
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpServerService) {}

  @All()
  @HttpCode(200)
  @ApiOperation({
    summary: 'MCP endpoint (JSON-RPC over Streamable HTTP, protocol 2026-07-28 and 2025-era)',
    description:
      'POST one JSON-RPC message (`server/discover`, `initialize`, `tools/list`, `tools/call`, `ping`). ' +
      'Stateless: no Mcp-Session-Id; GET and DELETE answer 405. Tools are the GPT actions of /api/gpt/openapi.',
  })
  @ApiOkResponse({ description: 'A JSON-RPC response' })
  handle(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    return this.mcp.handle(req, res, req.principal!);
  }
}
