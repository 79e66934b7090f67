import { ApiProperty } from '@nestjs/swagger';
import {
  GPT_GRADES,
  GptAnalysisEntity,
  REVIEW_STATUSES,
  REVIEW_VERDICTS,
  type GptGrade,
  type ReviewStatus,
  type ReviewVerdict,
} from '../entities/gpt-analysis.entity';
import { AnalysisContentDto, RecommendationDto } from './create-analysis.dto';

/** What the assistant tells the person about a human review of the analysis. */
export const REVIEW_MESSAGES: Record<ReviewStatus, string | null> = {
  none: null,
  pending:
    'Cette analyse est peu sûre : un conseiller Passerelle va la relire et vous répondra. ' +
    'Dites-le à la personne.',
  reviewed: 'Cette analyse a été relue par un conseiller Passerelle (voir verdict et note).',
};

export class AnalysisReviewDto {
  @ApiProperty({
    enum: REVIEW_STATUSES,
    example: 'pending',
    description:
      'pending: doubtful (low confidence or grade E), a person will review it; reviewed: staff gave a verdict; none: no review needed',
  })
  status: ReviewStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'A sentence to relay to the person (French), null when there is nothing to say',
  })
  message: string | null;

  @ApiProperty({ type: Date, nullable: true, example: null })
  reviewedAt: Date | null;

  @ApiProperty({ enum: REVIEW_VERDICTS, nullable: true, example: null })
  verdict: ReviewVerdict | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: "Staff's note" })
  note: string | null;
}

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

  @ApiProperty({ type: AnalysisReviewDto })
  review: AnalysisReviewDto;

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
      review: {
        status: a.reviewStatus,
        message: REVIEW_MESSAGES[a.reviewStatus],
        reviewedAt: a.reviewedAt,
        verdict: a.reviewVerdict,
        note: a.reviewNote,
      },
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
