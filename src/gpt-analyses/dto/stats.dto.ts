import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class StatsQueryDto {
  @ApiPropertyOptional({ example: 30, default: 30, minimum: 1, maximum: 365 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  days?: number;
}

export class DayCountDto {
  @ApiProperty({ example: '2026-11-21', format: 'date' })
  day: string;

  @ApiProperty({ example: 4 })
  analyses: number;

  @ApiProperty({ example: 68.5, nullable: true, type: Number })
  averageScore: number | null;
}

export class TopDevisDto {
  @ApiProperty({ format: 'uuid' })
  devisId: string;

  @ApiProperty({ example: 'DEV-2025-0042' })
  reference: string;

  @ApiProperty({ example: 5 })
  analyses: number;

  @ApiProperty({ example: 71.2 })
  averageScore: number;
}

export class KeyUsageDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null: the key was deleted',
  })
  keyId: string | null;

  @ApiProperty({ example: 'Production GPT', nullable: true, type: String })
  keyName: string | null;

  @ApiProperty({ example: 12 })
  analyses: number;

  @ApiProperty({
    example: 1342,
    nullable: true,
    type: Number,
    description: 'All requests served with the key',
  })
  requests: number | null;
}

export class AnalysisStatsDto {
  @ApiProperty({ example: 30 })
  days: number;

  @ApiProperty({ example: 41 })
  totalAnalyses: number;

  @ApiProperty({
    type: [DayCountDto],
    description: 'One entry per day, oldest first, zeros included',
  })
  perDay: DayCountDto[];

  @ApiProperty({ type: [TopDevisDto], description: 'The 10 most analysed quotes' })
  topDevis: TopDevisDto[];

  @ApiProperty({ type: [KeyUsageDto] })
  perKey: KeyUsageDto[];
}
