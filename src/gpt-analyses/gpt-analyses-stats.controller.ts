import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
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
}
