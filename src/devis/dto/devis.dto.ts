import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { PlainText } from '../../common/http/plain-text.decorator';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DEVIS_RULES } from '../devis.rules';
import { DEVIS_STATUSES, type DevisStatus } from '../entities/devis.entity';

const { line: LINE } = DEVIS_RULES;

export class CompanyDto {
  @PlainText()
  @ApiProperty({ example: 'Rénov Habitat SARL' })
  @IsString()
  @MinLength(1)
  @MaxLength(DEVIS_RULES.partyNameMaxLength)
  name: string;

  @ApiPropertyOptional({
    example: '73282932000074',
    type: String,
    nullable: true,
    description: '14 digits (checked)',
  })
  @IsOptional()
  @Matches(/^\d{14}$/, { message: 'company.siret must be 14 digits' })
  siret?: string | null;
}

export class ClientDto {
  @PlainText()
  @ApiProperty({ example: 'M. et Mme Martin' })
  @IsString()
  @MinLength(1)
  @MaxLength(DEVIS_RULES.partyNameMaxLength)
  name: string;

  @ApiPropertyOptional({ example: '69003', type: String, nullable: true })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'client.postcode must be a 5-digit French postcode' })
  postcode?: string | null;

  @PlainText()
  @ApiPropertyOptional({ example: 'Lyon', type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(DEVIS_RULES.cityMaxLength)
  city?: string | null;
}

export class DevisLineInputDto {
  @ApiPropertyOptional({ example: 1, description: 'Order in the quote; defaults to the index + 1' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(DEVIS_RULES.maxLines)
  position?: number;

  @PlainText()
  @ApiProperty({ example: 'Remplacement du ballon d’eau chaude 200 L (fourniture et pose)' })
  @IsString()
  @MinLength(1)
  @MaxLength(LINE.descriptionMaxLength)
  description: string;

  @ApiProperty({
    example: 'plomberie',
    description: 'Trade: plomberie, électricité, maçonnerie, peinture…',
  })
  @IsString()
  @Matches(/^[\p{Ll}\p{Lu}][\p{L}\s'’-]{0,39}$/u, {
    message: 'category must be a trade name of letters (max 40)',
  })
  category: string;

  @ApiProperty({ example: 1, description: 'Positive, at most 3 decimals' })
  @IsNumber({ maxDecimalPlaces: LINE.quantity.maxDecimals, allowNaN: false, allowInfinity: false })
  @Min(LINE.quantity.min)
  @Max(LINE.quantity.max)
  quantity: number;

  @PlainText()
  @ApiProperty({ example: 'u', description: 'u, m², m, ml, h, forfait…' })
  @IsString()
  @MinLength(1)
  @MaxLength(LINE.unitMaxLength)
  unit: string;

  @ApiProperty({ example: 145000, description: 'Unit price excluding tax, in euro cents' })
  @IsInt()
  @Min(0)
  @Max(DEVIS_RULES.maxCents)
  unitPriceHtCents: number;

  @ApiProperty({ example: 10, description: 'TVA rate in percent (20, 10, 5.5, 2.1, 0…)' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  tvaRate: number;

  @ApiPropertyOptional({
    example: 145000,
    description: 'Optional: checked against quantity × unit price',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  totalHtCents?: number;
}

export class TotalsInputDto {
  @ApiPropertyOptional({ example: 145000 })
  @IsOptional()
  @IsInt()
  htCents?: number;

  @ApiPropertyOptional({ example: 14500 })
  @IsOptional()
  @IsInt()
  tvaCents?: number;

  @ApiPropertyOptional({ example: 159500 })
  @IsOptional()
  @IsInt()
  ttcCents?: number;
}

export class CreateDevisDto {
  @ApiProperty({
    example: 'DEV-2025-0042',
    description: 'Unique, case-insensitive (stored upper-case)',
  })
  @Matches(DEVIS_RULES.reference.pattern, {
    message: `reference must be 3-${DEVIS_RULES.reference.maxLength} letters, digits, -, _ or /`,
  })
  reference: string;

  @PlainText()
  @ApiProperty({ example: 'Rénovation salle de bains' })
  @IsString()
  @MinLength(1)
  @MaxLength(DEVIS_RULES.titleMaxLength)
  title: string;

  @ApiPropertyOptional({ enum: DEVIS_STATUSES, example: 'sent', default: 'draft' })
  @IsOptional()
  @IsIn(DEVIS_STATUSES)
  status?: DevisStatus;

  @ApiProperty({ type: CompanyDto })
  @ValidateNested()
  @Type(() => CompanyDto)
  company: CompanyDto;

  @ApiProperty({ type: ClientDto })
  @ValidateNested()
  @Type(() => ClientDto)
  client: ClientDto;

  @ApiPropertyOptional({ enum: ['EUR'], default: 'EUR' })
  @IsOptional()
  @IsIn(['EUR'])
  currency?: 'EUR';

  @ApiProperty({ example: '2025-03-14', format: 'date' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'issueDate must be YYYY-MM-DD' })
  issueDate: string;

  @ApiPropertyOptional({ example: '2025-04-13', format: 'date', type: String, nullable: true })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'validUntil must be YYYY-MM-DD' })
  validUntil?: string | null;

  @ApiPropertyOptional({ example: { source: 'import' }, description: 'Free JSON object' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: [DevisLineInputDto], minItems: 1, maxItems: DEVIS_RULES.maxLines })
  @ArrayMinSize(1)
  @ArrayMaxSize(DEVIS_RULES.maxLines)
  @ValidateNested({ each: true })
  @Type(() => DevisLineInputDto)
  lines: DevisLineInputDto[];

  @ApiPropertyOptional({ type: TotalsInputDto, description: 'Optional: checked against the lines' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TotalsInputDto)
  totals?: TotalsInputDto;
}

/** Any field of a devis; `lines` replaces all lines and recomputes the totals. */
export class UpdateDevisDto extends PartialType(OmitType(CreateDevisDto, ['currency'] as const)) {}

export class ListDevisQueryDto {
  @ApiPropertyOptional({ example: 'DEV-2025', description: 'Reference prefix (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(DEVIS_RULES.reference.maxLength)
  reference?: string;

  @ApiPropertyOptional({ example: 'rénov', description: 'Part of the company name' })
  @IsOptional()
  @IsString()
  @MaxLength(DEVIS_RULES.partyNameMaxLength)
  company?: string;

  @ApiPropertyOptional({ enum: DEVIS_STATUSES })
  @IsOptional()
  @IsIn(DEVIS_STATUSES)
  status?: DevisStatus;

  @ApiPropertyOptional({ example: '2025-01-01', format: 'date', description: 'Issued on or after' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    example: '2025-12-31',
    format: 'date',
    description: 'Issued on or before',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ example: 1, default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DEVIS_RULES.list.maxPage)
  page?: number;

  @ApiPropertyOptional({
    example: DEVIS_RULES.list.pageSize.default,
    default: DEVIS_RULES.list.pageSize.default,
    minimum: 1,
    maximum: DEVIS_RULES.list.pageSize.max,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DEVIS_RULES.list.pageSize.max)
  pageSize?: number;
}
