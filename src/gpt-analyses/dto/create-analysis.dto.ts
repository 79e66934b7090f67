import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PlainText } from '../../common/http/plain-text.decorator';
import {
  GPT_GRADES,
  PRICE_VERDICTS,
  PRIORITIES,
  RECOMMENDATION_TYPES,
  type GptGrade,
  type Priority,
  type RecommendationType,
} from '../entities/gpt-analysis.entity';

export const GRADE_SCALE =
  'A: 80-100, excellent quote, nothing to fix; B: 65-79, good, minor points; C: 50-64, acceptable, ' +
  'points to clarify; D: 35-49, weak, significant issues; E: 0-34, do not sign as is.';

export class PriceAssessmentDto {
  @ApiProperty({ enum: PRICE_VERDICTS, example: 'fair', description: 'Prices against the market' })
  @IsIn(PRICE_VERDICTS)
  verdict: (typeof PRICE_VERDICTS)[number];

  @PlainText()
  @ApiPropertyOptional({
    example: 'Prix du ballon dans la fourchette du marché (1 200-1 600 € HT posé).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class AnalysisContentDto {
  @PlainText()
  @ApiProperty({
    example: 'Devis globalement conforme, prix cohérents ; garantie décennale à confirmer.',
    minLength: 10,
    maxLength: 2000,
  })
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  summary: string;

  @PlainText()
  @ApiPropertyOptional({ type: [String], example: ['Détail clair des postes'], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  strengths?: string[];

  @PlainText()
  @ApiPropertyOptional({ type: [String], example: ['Pas de date de validité'], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  weaknesses?: string[];

  @PlainText()
  @ApiPropertyOptional({ type: [String], example: ['Numéro SIRET absent'], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  complianceIssues?: string[];

  @ApiPropertyOptional({ type: PriceAssessmentDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceAssessmentDto)
  priceAssessment?: PriceAssessmentDto;
}

export class RecommendationDto {
  @ApiProperty({ enum: RECOMMENDATION_TYPES, example: 'garanties' })
  @IsIn(RECOMMENDATION_TYPES)
  type: RecommendationType;

  @ApiProperty({ enum: PRIORITIES, example: 'high' })
  @IsIn(PRIORITIES)
  priority: Priority;

  @PlainText()
  @ApiProperty({ example: 'Demander l’attestation décennale', minLength: 3, maxLength: 150 })
  @IsString()
  @MinLength(3)
  @MaxLength(150)
  title: string;

  @PlainText()
  @ApiProperty({
    example: 'Exiger l’attestation d’assurance décennale en cours de validité avant signature.',
    maxLength: 1000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  description: string;
}

export class CreateAnalysisDto {
  @ApiProperty({ example: 'DEV-2025-0042', description: 'The devis id (uuid) or its reference' })
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  devisId: string;

  @ApiProperty({
    type: 'integer',
    example: 72,
    minimum: 0,
    maximum: 100,
    description: 'Overall score, integer 0-100',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  gptScore: number;

  @ApiProperty({
    enum: GPT_GRADES,
    example: 'B',
    description: `Grade from the score. ${GRADE_SCALE}`,
  })
  @IsIn(GPT_GRADES)
  gptGrade: GptGrade;

  @ApiProperty({
    type: 'integer',
    example: 80,
    minimum: 0,
    maximum: 100,
    description: 'How sure the analysis is, integer 0-100',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  confidence: number;

  @ApiProperty({ type: AnalysisContentDto })
  @ValidateNested()
  @Type(() => AnalysisContentDto)
  analysis: AnalysisContentDto;

  @ApiPropertyOptional({
    example: 'analyse-DEV-2025-0042-1',
    maxLength: 255,
    description:
      'A unique string per analysis, sent again unchanged on a retry: the analysis is then stored only once',
  })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,255}$/, {
    message: 'idempotencyKey must be 1-255 visible ASCII characters',
  })
  idempotencyKey?: string;

  @ApiProperty({ type: [RecommendationDto], maxItems: 20 })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RecommendationDto)
  recommendations: RecommendationDto[];
}
