import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../common/auth/auth.decorator';
import type { AppRequest, AssistantCaller } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { McpServerService } from './mcp-server.service';

/**
 * The remote MCP server (Streamable HTTP, stateless) that ChatGPT apps, Claude connectors and
 * agent tools call. Its tools are the routes marked `@GptAction()`; see docs/ASSISTANTS.md.
 */
@ApiTags('mcp')
@Auth('assistant')
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpServerService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'MCP endpoint (JSON-RPC over Streamable HTTP, protocol 2026-07-28 and 2025-era)',
    description:
      'POST one JSON-RPC message (`server/discover`, `initialize`, `tools/list`, `tools/call`, `ping`). ' +
      'Stateless: no Mcp-Session-Id. Tools are the GPT actions of /api/gpt/openapi. Errors are JSON-RPC ' +
      'errors (the protocol requires it), except 401/429, which have the standard error body.',
  })
  @ApiOkResponse({ description: 'A JSON-RPC response' })
  handle(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    return this.mcp.handle(req, res, req.principal as AssistantCaller);
  }

  @Get()
  @ApiOperation({ summary: 'Not served: no server-to-client stream (the server is stateless)' })
  @ApiResponse({ status: 405, type: ErrorResponseDto, description: 'Use POST' })
  stream(): never {
    throw postOnly();
  }

  @Delete()
  @ApiOperation({ summary: 'Not served: there is no session to end' })
  @ApiResponse({ status: 405, type: ErrorResponseDto, description: 'Use POST' })
  endSession(): never {
    throw postOnly();
  }
}

const postOnly = () =>
  new DomainException(
    'METHOD_NOT_ALLOWED',
    'The MCP endpoint is stateless: send each JSON-RPC message with POST',
    { headers: { Allow: 'POST' } },
  );
