import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DEVIS_STATUSES, type DevisStatus } from '../../devis/entities/devis.entity';
import { ClientDto, CompanyDto } from '../../devis/dto/devis.dto';
import { DevisLineResponseDto } from '../../devis/dto/devis-response.dto';
import { DEVIS_RULES } from '../../devis/devis.rules';
import { AnalysisBriefDto } from './analysis-response.dto';

export const MAX_GPT_LINES = 100;

export class GptDevisQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 0,
    default: 0,
    description: 'Skip this many lines (for quotes with many lines)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  linesOffset?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'How many lines to return',
    example: MAX_GPT_LINES,
    default: MAX_GPT_LINES,
    maximum: MAX_GPT_LINES,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_GPT_LINES)
  linesLimit?: number;
}

export class GptDevisByReferenceQueryDto extends GptDevisQueryDto {
  @ApiProperty({
    example: 'DEV-2025-0042',
    description: 'The quote reference the user gave (case-insensitive)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(DEVIS_RULES.reference.maxLength)
  reference: string;
}

export class MoneyDto {
  @ApiProperty({ example: 145000, description: 'Euro cents' })
  cents: number;

  @ApiProperty({ example: '1 450,00 €', description: 'Formatted for French readers' })
  formatted: string;
}

export class GptTotalsDto {
  @ApiProperty({ type: MoneyDto, description: 'Total excluding tax (HT)' })
  ht: MoneyDto;

  @ApiProperty({ type: MoneyDto, description: 'TVA (VAT)' })
  tva: MoneyDto;

  @ApiProperty({ type: MoneyDto, description: 'Total including tax (TTC)' })
  ttc: MoneyDto;
}

export class TvaBucketDto {
  @ApiProperty({ example: 10, description: 'TVA rate, percent' })
  ratePercent: number;

  @ApiProperty({ example: 145000 })
  baseHtCents: number;

  @ApiProperty({ example: 14500 })
  tvaCents: number;
}

export class CategoryTotalDto {
  @ApiProperty({ example: 'plomberie' })
  category: string;

  @ApiProperty({ example: 3 })
  lineCount: number;

  @ApiProperty({ example: 245000 })
  totalHtCents: number;
}

/** A devis shaped for a model to read: amounts both in cents and formatted, lines paged. */
export class GptDevisDto {
  @ApiProperty({ format: 'uuid', description: 'Use this id as devisId when posting an analysis' })
  id: string;

  @ApiProperty({ example: 'DEV-2025-0042' })
  reference: string;

  @ApiProperty({ example: 'Rénovation salle de bains' })
  title: string;

  @ApiProperty({ enum: DEVIS_STATUSES })
  status: DevisStatus;

  @ApiProperty({ type: CompanyDto, description: 'The contractor who issued the quote' })
  company: CompanyDto;

  @ApiProperty({ type: ClientDto })
  client: ClientDto;

  @ApiProperty({ example: '2025-03-14', format: 'date' })
  issueDate: string;

  @ApiProperty({ example: '2025-04-13', format: 'date', nullable: true, type: String })
  validUntil: string | null;

  @ApiProperty({ type: GptTotalsDto })
  totals: GptTotalsDto;

  @ApiProperty({ type: [TvaBucketDto] })
  tvaBreakdown: TvaBucketDto[];

  @ApiProperty({ type: [CategoryTotalDto], description: 'Totals per trade over all lines' })
  categories: CategoryTotalDto[];

  @ApiProperty({ example: 12 })
  lineCount: number;

  @ApiProperty({ example: 0 })
  linesOffset: number;

  @ApiProperty({
    example: false,
    description: 'True when more lines follow: call again with linesOffset',
  })
  hasMoreLines: boolean;

  @ApiProperty({ type: [DevisLineResponseDto] })
  lines: DevisLineResponseDto[];

  @ApiProperty({ example: {}, description: 'Free data attached to the quote' })
  metadata: Record<string, unknown>;

  @ApiProperty({ example: 2 })
  analysisCount: number;

  @ApiProperty({ type: [AnalysisBriefDto], description: 'The 5 most recent analyses' })
  previousAnalyses: AnalysisBriefDto[];
}
