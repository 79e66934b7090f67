import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentUser } from '../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import { ChatSettingsService } from './chat-settings.service';
import { ChatStaffService } from './chat-staff.service';
import { ChatMessageDto } from './dto/chat-response.dto';
import {
  AssignChatSessionDto,
  ChatSessionDetailDto,
  ChatSessionListDto,
  ChatSessionSummaryDto,
  ChatSettingsDto,
  ListChatSessionsQueryDto,
  StaffReplyDto,
  UpdateChatSettingsDto,
} from './dto/chat-staff.dto';

const NOT_FOUND = { type: ErrorResponseDto, description: 'No such session' };
/** The `:id` of a session: a malformed one gets the same 404 as an unknown one. */
const SessionId = () => UuidParam('Chat session');

@ApiTags('support chat (staff)')
@Controller('api/admin/chat')
export class ChatStaffController {
  constructor(
    private readonly staff: ChatStaffService,
    private readonly settings: ChatSettingsService,
  ) {}

  @Get('sessions')
  @Auth('staff')
  @ApiOperation({ summary: 'List chat sessions by status, most recently active first' })
  @ApiOkResponse({ type: ChatSessionListDto })
  list(@Query() q: ListChatSessionsQueryDto) {
    return this.staff.list(q.status, q.limit, q.offset);
  }

  @Get('sessions/:id')
  @Auth('staff')
  @ApiOperation({ summary: 'Read any chat session with its messages' })
  @ApiOkResponse({ type: ChatSessionDetailDto })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@SessionId() id: string) {
    return this.staff.get(id);
  }

  @Post('sessions/:id/reply')
  @Auth('staff')
  @ApiOperation({
    summary: 'Reply as staff',
    description: 'Stored as role staff; turns the assistant off for this session.',
  })
  @ApiCreatedResponse({ type: ChatMessageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse(NOT_FOUND)
  reply(
    @CurrentUser() user: AuthenticatedUser,
    @SessionId() id: string,
    @Body() dto: StaffReplyDto,
  ) {
    return this.staff.reply(user, id, dto);
  }

  @Post('sessions/:id/assign')
  @HttpCode(200)
  @Auth('staff')
  @ApiOperation({ summary: 'Assign a session to a staff member (yourself by default)' })
  @ApiOkResponse({ type: ChatSessionSummaryDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such session or staff user' })
  assign(
    @CurrentUser() user: AuthenticatedUser,
    @SessionId() id: string,
    @Body() dto: AssignChatSessionDto,
  ) {
    return this.staff.assign(user, id, dto);
  }

  @Post('sessions/:id/resolve')
  @HttpCode(200)
  @Auth('staff')
  @ApiOperation({ summary: 'Mark a session resolved' })
  @ApiOkResponse({ type: ChatSessionSummaryDto })
  @ApiNotFoundResponse(NOT_FOUND)
  resolve(@CurrentUser() user: AuthenticatedUser, @SessionId() id: string) {
    return this.staff.resolve(user, id);
  }

  @Get('settings')
  @Auth('admin')
  @ApiOperation({ summary: 'Read the chat settings' })
  @ApiOkResponse({ type: ChatSettingsDto })
  readSettings() {
    return this.settings.read();
  }

  @Patch('settings')
  @Auth('admin')
  @ApiOperation({
    summary: 'Change the chat settings',
    description: 'llmKeyId must be one of your own active keys for the provider.',
  })
  @ApiOkResponse({ type: ChatSettingsDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  updateSettings(@CurrentUser() user: AuthenticatedUser, @Body() dto: UpdateChatSettingsDto) {
    return this.settings.update(user, dto);
  }
}
