import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPaymentRequiredResponse,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, CurrentUser } from '../../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { ErrorResponseDto } from '../../common/errors/error-response.dto';
import { LlmChatRequestDto, LlmChatResponseDto } from './dto/llm-chat.dto';
import { LlmChatService } from './llm-chat.service';

@ApiTags('llm chat')
@Auth('user')
@Controller('api/llm/chat')
export class LlmChatController {
  constructor(private readonly chat: LlmChatService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask a provider with your key (or `mock`); `stream: true` answers as SSE',
    description:
      'Send `message`, or `templateId` + `variables` to use one of your prompt templates as the ' +
      'message. A 5xx or network failure is retried (LLM_MAX_RETRIES, exponential backoff) while ' +
      'no text has been sent; once a stream has sent a delta it is never retried (the text would ' +
      'repeat): the stream ends with an `error` event instead.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: LlmChatResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No such key, conversation or template',
  })
  @ApiPaymentRequiredResponse({
    type: ErrorResponseDto,
    description:
      'LLM_BUDGET_EXCEEDED: the key’s calls this calendar month (UTC) cost its `monthlyBudgetUsd`. ' +
      '402, not 429: waiting minutes does not help (it resets on the 1st), so clients that retry ' +
      '429s automatically must not loop on it.',
    example: {
      statusCode: 402,
      code: 'LLM_BUDGET_EXCEEDED',
      error: 'Payment Required',
      message:
        'Key "Support OpenAI" has reached its monthly budget: $50.00 spent of $50.00 this month (UTC). It resets on 2026-12-01; raise monthlyBudgetUsd with PATCH /api/llm/keys/… to continue now.',
      requestId: '6f1c2a9e-…',
    },
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'The provider said 429' })
  @ApiBadGatewayResponse({
    type: ErrorResponseDto,
    description: 'Provider failed or refused the key',
  })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'Provider too slow' })
  async send(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: LlmChatRequestDto,
    @Res() res: Response,
  ): Promise<void> {
    if (!dto.stream) {
      res.status(200).json({ success: true, data: await this.chat.chat(user, dto) });
      return;
    }
    // A client that goes away stops the upstream call (and is logged as CLIENT_ABORTED).
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const events = await this.chat.stream(user, dto, abort.signal);
    // No flushHeaders(): the first event is already there, and it leaves with the headers in
    // one write (Node corks each write until the next tick) instead of two.
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    for await (const event of events) {
      if (res.destroyed) continue;
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    }
    res.end();
  }
}
