import { Body, Controller, Get, Ip, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Auth, Public } from '../common/auth/auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import {
  CreateFeedbackDto,
  FeedbackListDto,
  FeedbackReceiptDto,
  FeedbackResponseDto,
  ListFeedbackQueryDto,
  UpdateFeedbackDto,
} from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';

@ApiTags('feedback')
@Controller('api/feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @Public()
  @ApiOperation({
    summary: 'Send feedback (bug, suggestion or comment)',
    description:
      'Public. Markup is removed from the text; bug reports are forwarded to the team. ' +
      'Limited per client address (FEEDBACK_MAX_PER_IP_PER_HOUR).',
  })
  @ApiCreatedResponse({ type: FeedbackReceiptDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid fields, or empty text' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'See Retry-After' })
  submit(@Body() dto: CreateFeedbackDto, @Ip() ip: string): Promise<FeedbackReceiptDto> {
    return this.feedback.submit(dto, ip);
  }
}

@ApiTags('feedback')
@Auth('staff')
@Controller('api/admin/feedback')
export class FeedbackAdminController {
  constructor(private readonly feedback: FeedbackService) {}

  @Get()
  @ApiOperation({ summary: 'Feedback, newest first, filtered by status and type' })
  @ApiOkResponse({ type: FeedbackListDto })
  list(@Query() q: ListFeedbackQueryDto): Promise<FeedbackListDto> {
    return this.feedback.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One piece of feedback' })
  @ApiOkResponse({ type: FeedbackResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@UuidParam('Feedback') id: string): Promise<FeedbackResponseDto> {
    return FeedbackResponseDto.from(await this.feedback.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Triage: set the status (new, triaged, done)' })
  @ApiOkResponse({ type: FeedbackResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(@UuidParam('Feedback') id: string, @Body() dto: UpdateFeedbackDto) {
    return FeedbackResponseDto.from(await this.feedback.setStatus(id, dto.status));
  }
}
