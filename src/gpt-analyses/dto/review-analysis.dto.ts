import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TextField } from '../../common/http/plain-text.decorator';
import { REVIEW_VERDICTS, type ReviewVerdict } from '../entities/gpt-analysis.entity';

/** A staff member's verdict on an analysis. */
export class ReviewAnalysisDto {
  @ApiProperty({
    enum: REVIEW_VERDICTS,
    example: 'corrected',
    description:
      'confirmed: the analysis stands; corrected: it needed corrections (say which in the note); rejected: it is wrong',
  })
  @IsIn(REVIEW_VERDICTS)
  verdict: ReviewVerdict;

  @ApiPropertyOptional({
    example: 'La garantie décennale est bien fournie (attestation 2026 jointe au devis).',
    maxLength: 2000,
  })
  @IsOptional()
  @TextField({ maxLength: 2000 })
  note?: string;
}
