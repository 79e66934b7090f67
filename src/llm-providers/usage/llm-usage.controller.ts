import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser } from '../../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { UsageQueryDto, UsageReportDto } from './llm-usage.dto';
import { LlmUsageService } from './llm-usage.service';

@ApiTags('llm usage')
@Auth('user')
@Controller('api/llm/usage')
export class LlmUsageController {
  constructor(private readonly usage: LlmUsageService) {}

  @Get()
  @ApiOperation({
    summary:
      'Tokens and cost of your LLM calls (admins: everyone’s) by day, provider, model or key',
  })
  @ApiOkResponse({ type: UsageReportDto })
  report(
    @CurrentUser() user: AuthenticatedUser,
    @Query() q: UsageQueryDto,
  ): Promise<UsageReportDto> {
    return this.usage.report(user, q);
  }
}
