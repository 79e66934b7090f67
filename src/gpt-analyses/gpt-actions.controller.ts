import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, CurrentCaller } from '../common/auth/auth.decorator';
import type { AssistantCaller } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { GptAction } from '../gpt-schema/gpt-action.decorator';
import { AnalysisListDto, AnalysisResponseDto } from './dto/analysis-response.dto';
import { CreateAnalysisDto } from './dto/create-analysis.dto';
import { GptDevisByReferenceQueryDto, GptDevisDto, GptDevisQueryDto } from './dto/gpt-devis.dto';
import { GptAnalysesService } from './gpt-analyses.service';

const NotFound = () =>
  ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No such devis: ask the user to check the reference',
  });

/** The business API a Custom GPT calls (see /api/gpt/openapi). */
@ApiTags('gpt')
@Auth('gpt-key')
@Controller('api/gpt')
export class GptActionsController {
  constructor(private readonly service: GptAnalysesService) {}

  @Get('devis')
  @GptAction({
    operationId: 'findDevisByReference',
    title: 'Find a quote by reference',
    effect: 'read',
    scope: 'quotes:read',
    summary:
      'Find a quote (devis) by the reference the user gives, e.g. DEV-2025-0042. Returns the quote with its lines, totals and earlier analyses.',
  })
  @ApiOkResponse({ type: GptDevisDto, description: 'The quote, its lines (paged) and totals' })
  @NotFound()
  findByReference(@Query() q: GptDevisByReferenceQueryDto): Promise<GptDevisDto> {
    return this.service.devisForGpt(q.reference, q.linesOffset, q.linesLimit);
  }

  @Get('devis/:id')
  @GptAction({
    operationId: 'getDevis',
    title: 'Get a quote',
    effect: 'read',
    scope: 'quotes:read',
    summary:
      'Get a quote (devis) by id or reference: company, client, lines, totals HT/TVA/TTC, and earlier analyses. Call this before analysing.',
  })
  @ApiParam({ name: 'id', description: 'Devis id (uuid) or reference', example: 'DEV-2025-0042' })
  @ApiOkResponse({ type: GptDevisDto, description: 'The quote, its lines (paged) and totals' })
  @NotFound()
  get(@Param('id') id: string, @Query() q: GptDevisQueryDto): Promise<GptDevisDto> {
    return this.service.devisForGpt(id, q.linesOffset, q.linesLimit);
  }

  @Get('devis/:id/analyses')
  @GptAction({
    operationId: 'listDevisAnalyses',
    title: 'List the analyses of a quote',
    effect: 'read',
    scope: 'quotes:read',
    summary: 'List the analyses already recorded for a quote, newest first.',
  })
  @ApiParam({ name: 'id', description: 'Devis id (uuid) or reference', example: 'DEV-2025-0042' })
  @ApiOkResponse({ type: AnalysisListDto, description: 'Analyses, newest first' })
  @NotFound()
  analyses(@Param('id') id: string): Promise<AnalysisListDto> {
    return this.service.listForDevis(id);
  }

  @Post('analysis')
  @GptAction({
    operationId: 'createAnalysis',
    title: 'Record a quote analysis',
    effect: 'write',
    scope: 'analyses:write',
    summary:
      'Record the analysis of a quote: score 0-100, grade A-E, confidence, summary and recommendations. Send the same Idempotency-Key when retrying.',
    consequential: false,
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Any unique string per analysis; a retry with the same key and body is stored only once',
  })
  @ApiCreatedResponse({
    type: AnalysisResponseDto,
    description: 'The stored analysis (or, on a retry, the first one)',
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid fields, each named in details',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'Idempotency-Key reused with another body',
  })
  @NotFound()
  async create(
    @CurrentCaller() caller: AssistantCaller,
    @Body() dto: CreateAnalysisDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AnalysisResponseDto> {
    const result = await this.service.create(caller, dto, idempotencyKey);
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }
}
