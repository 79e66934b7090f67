import { Body, Controller, Get, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, CurrentUser } from '../../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../../common/auth/principal';
import type { GatewayRoute } from '../../llm-gateway/llm-gateway.types';
import { ChatCompletionRequestDto, OpenAiModelListDto } from './openai-compat.dto';
import { OpenAiCompatService } from './openai-compat.service';
import { OpenAiErrorFilter } from './openai-error.filter';

/**
 * OpenAI's Chat Completions and Models API on the LLM gateway, for clients that already speak
 * it (the `openai` SDKs, LangChain, editors): base URL `<server>/v1`, your Passerelle access
 * token (`POST /api/auth/login`) as the API key.
 */
@ApiTags('openai-compatible')
@Auth('user')
@UseFilters(OpenAiErrorFilter)
@Controller('v1')
export class OpenAiCompatController {
  constructor(private readonly openai: OpenAiCompatService) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI-compatible chat completion (JSON or SSE `chat.completion.chunk`)',
    description:
      '`model` is `provider/model`; the call uses your stored key for that provider (or ' +
      '`key_id`), your budgets, fallbacks and usage log. Errors are OpenAI-shaped: ' +
      '`{ "error": { "message", "type", "param", "code" } }`; a failure after streamed text ' +
      'is a `data: {"error": …}` event.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  async complete(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ChatCompletionRequestDto,
    @Res() res: Response,
  ): Promise<void> {
    if (!dto.stream) {
      const c = await this.openai.complete(user, dto);
      routeHeaders(res, c.route, c.conversationId);
      res.status(200).json(c.body);
      return;
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const { route, events } = await this.openai.stream(user, dto, abort.signal);
    routeHeaders(res, route, dto.conversation_id ?? null);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    for await (const e of events) {
      if (res.destroyed) continue;
      res.write('done' in e ? 'data: [DONE]\n\n' : `data: ${JSON.stringify(e.data)}\n\n`);
    }
    res.end();
  }

  @Get('models')
  @ApiOperation({ summary: 'The models you can call now, as `provider/model` ids' })
  @ApiOkResponse({ type: OpenAiModelListDto })
  models(@CurrentUser() user: AuthenticatedUser): Promise<OpenAiModelListDto> {
    return this.openai.listModels(user);
  }
}

/** Which target answered, for clients that care (the body stays OpenAI's). */
function routeHeaders(res: Response, route: GatewayRoute, conversationId: string | null) {
  res.setHeader('X-Passerelle-Provider', route.provider);
  res.setHeader('X-Passerelle-Attempt', String(route.attempt));
  if (conversationId) res.setHeader('X-Passerelle-Conversation-Id', conversationId);
}
