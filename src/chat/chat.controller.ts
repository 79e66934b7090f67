import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, USER_TOKEN_SECURITY } from '../common/auth/auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { pickLanguage } from '../common/http/language';
import { UuidParam } from '../common/http/uuid-param';
import type { ChatCredentials } from './chat-access.service';
import { ChatClient } from './chat-client.decorator';
import { ChatStreamService } from './chat-stream.service';
import { ChatService } from './chat.service';
import {
  ChatHistoryQueryDto,
  ChatStreamQueryDto,
  CreateChatSessionDto,
  RateChatSessionDto,
  SendChatMessageDto,
} from './dto/chat.dto';
import {
  ChatHistoryResponseDto,
  ChatRatingResponseDto,
  CreateChatSessionResponseDto,
  SendChatMessageResponseDto,
} from './dto/chat-response.dto';

const CHAT_TOKEN_HEADER = {
  name: 'X-Chat-Token',
  required: false,
  description: 'The sessionToken of an anonymous session (or send it as Authorization: Bearer)',
};
const RATE_LIMITED = {
  type: ErrorResponseDto,
  description: 'Too many requests from this IP or for this session; see Retry-After',
};

/**
 * The visitor side of the support chat. Public routes (anonymous visitors are welcome);
 * ChatAccessService checks the session token or the user's login on every call.
 */
@ApiTags('support chat')
@ApiBearerAuth(USER_TOKEN_SECURITY)
@ApiHeader(CHAT_TOKEN_HEADER)
@ApiTooManyRequestsResponse(RATE_LIMITED)
@Public()
@Controller('api/chat')
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly streams: ChatStreamService,
  ) {}

  @Post('create-session')
  @ApiOperation({
    summary: 'Start a support chat session',
    description:
      'Anonymous: returns a sessionToken to send back on every call. Logged in (Bearer pas_…): the session belongs to the user and sessionToken is null.',
  })
  @ApiCreatedResponse({ type: CreateChatSessionResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Invalid login token' })
  @ApiHeader({
    name: 'Accept-Language',
    required: false,
    description: 'Picks the welcome message (fr or en) when the body has no `lang`; else French',
  })
  createSession(
    @ChatClient() client: ChatCredentials,
    @Body() dto: CreateChatSessionDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ) {
    return this.chat.createSession(client, pickLanguage(dto.lang, acceptLanguage));
  }

  @Post('sessions/:id/rating')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rate a resolved conversation (1–5, optional comment), once',
    description:
      'The session’s visitor (its token) or user, after staff resolved it. Staff see the rating in the session and on the dashboard.',
  })
  @ApiCreatedResponse({ type: ChatRatingResponseDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Rating not an integer 1–5, comment over 1,000 characters',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No or invalid token' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not your session (or none)' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'CHAT_NOT_RESOLVED: not resolved (yet); CHAT_ALREADY_RATED: rated before',
  })
  rate(
    @ChatClient() client: ChatCredentials,
    @UuidParam('Chat session') sessionId: string,
    @Body() dto: RateChatSessionDto,
  ) {
    return this.chat.rate(client, sessionId, dto);
  }

  @Post('message')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message and get the reply',
    description:
      'Stores the cleaned message, then the assistant reply (LLM, or the mock), a system notice (handoff, provider failure) or nothing when staff will answer.',
  })
  @ApiOkResponse({ type: SendChatMessageResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Empty or over 4,000 characters' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No or invalid token' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not your session (or none)' })
  send(@ChatClient() client: ChatCredentials, @Body() dto: SendChatMessageDto) {
    return this.chat.sendMessage(client, dto);
  }

  @Get('history')
  @ApiOperation({
    summary: 'Messages after a cursor',
    description: 'Poll with after = the sequence of the last message you have (every 2 s is fine).',
  })
  @ApiOkResponse({ type: ChatHistoryResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No or invalid token' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not your session (or none)' })
  history(@ChatClient() client: ChatCredentials, @Query() query: ChatHistoryQueryDto) {
    return this.chat.history(client, query);
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Server-Sent Events of new messages',
    description:
      'One `message` event per stored message (id = its sequence, data = the message), comment heartbeats. ' +
      'Send the token in a header (read the stream with fetch): tokens never go in URLs.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this sequence' })
  @ApiOkResponse({ description: 'text/event-stream' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No or invalid token' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not your session (or none)' })
  async stream(
    @ChatClient() client: ChatCredentials,
    @Query() query: ChatStreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ) {
    const session = await this.chat.openStream(client, query.sessionId);
    const resumeAt = /^\d{1,9}$/.test(lastEventId ?? '') ? Number(lastEventId) : undefined;
    this.streams.serve(res, session.id, resumeAt ?? query.after ?? session.lastSequence);
  }
}
