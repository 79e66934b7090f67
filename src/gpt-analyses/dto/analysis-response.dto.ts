import { ApiProperty } from '@nestjs/swagger';
import { GPT_GRADES, GptAnalysisEntity, type GptGrade } from '../entities/gpt-analysis.entity';
import { AnalysisContentDto, RecommendationDto } from './create-analysis.dto';

export class AnalysisResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  devisId: string;

  @ApiProperty({ example: 72 })
  gptScore: number;

  @ApiProperty({ enum: GPT_GRADES, example: 'B' })
  gptGrade: GptGrade;

  @ApiProperty({ example: 80 })
  confidence: number;

  @ApiProperty({ type: AnalysisContentDto })
  analysis: AnalysisContentDto;

  @ApiProperty({ type: [RecommendationDto] })
  recommendations: RecommendationDto[];

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: Date;

  static from(a: GptAnalysisEntity): AnalysisResponseDto {
    return {
      id: a.id,
      devisId: a.devisId,
      gptScore: a.gptScore,
      gptGrade: a.gptGrade,
      confidence: a.confidence,
      analysis: a.analysis,
      recommendations: a.recommendations,
      createdAt: a.createdAt,
    };
  }
}

export class AnalysisBriefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 72 })
  gptScore: number;

  @ApiProperty({ enum: GPT_GRADES, example: 'B' })
  gptGrade: GptGrade;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: Date;
}

export class AnalysisListDto {
  @ApiProperty({ example: 'DEV-2025-0042' })
  devisReference: string;

  @ApiProperty({ type: [AnalysisResponseDto] })
  analyses: AnalysisResponseDto[];
}
