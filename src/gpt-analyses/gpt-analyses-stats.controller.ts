import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser } from '../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../common/auth/principal';
import { UuidParam } from '../common/http/uuid-param';
import { AnalysisResponseDto } from './dto/analysis-response.dto';
import { ReviewAnalysisDto } from './dto/review-analysis.dto';
import { AnalysisStatsDto, StatsQueryDto } from './dto/stats.dto';
import { GptAnalysesService } from './gpt-analyses.service';

@ApiTags('gpt-analyses (staff)')
@Auth('staff')
@Controller('api/admin/gpt-analyses')
export class GptAnalysesStatsController {
  constructor(private readonly service: GptAnalysesService) {}

  @Get('stats')
  @ApiOperation({
    summary: 'Analyses per day, most analysed quotes with their average score, use per GPT key',
  })
  @ApiOkResponse({ type: AnalysisStatsDto })
  stats(@Query() q: StatsQueryDto): Promise<AnalysisStatsDto> {
    return this.service.stats(q.days ?? 30);
  }

  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({
    summary: "Record a staff member's verdict on an analysis",
    description:
      'Doubtful analyses (confidence below the chat settings threshold, or grade E) wait for ' +
      'this in their support conversation; assistants then see the verdict and the note.',
  })
  @ApiOkResponse({ type: AnalysisResponseDto })
  review(
    @CurrentUser() staff: AuthenticatedUser,
    @UuidParam('Analysis') id: string,
    @Body() dto: ReviewAnalysisDto,
  ): Promise<AnalysisResponseDto> {
    return this.service.review(staff, id, dto);
  }
}
