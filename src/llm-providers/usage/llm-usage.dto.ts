import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
} from 'class-validator';

export const USAGE_GROUPS = ['day', 'provider', 'model', 'key'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export class UsageQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'Inclusive; default 30 days ago',
  })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30T23:59:59Z', description: 'Exclusive; default now' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ enum: USAGE_GROUPS, default: 'day' })
  @IsOptional()
  @IsIn(USAGE_GROUPS)
  groupBy?: UsageGroup;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: one user' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class UsageBucketDto {
  @ApiProperty({ example: '2026-11-21', description: 'The day, provider, model or key id' })
  group: string;

  @ApiProperty({ example: 42 })
  calls: number;

  @ApiProperty({ example: 3 })
  errors: number;

  @ApiProperty({ example: 1 })
  rateLimited: number;

  @ApiProperty({ example: 12034 })
  promptTokens: number;

  @ApiProperty({ example: 8120 })
  completionTokens: number;

  @ApiProperty({ example: 20154 })
  totalTokens: number;

  @ApiProperty({
    example: 0.3638,
    description:
      'US dollars of the calls whose price is known (mock calls excluded); unpriced calls are not in it, see unpricedCalls',
  })
  costUsd: number;

  @ApiProperty({
    example: 2,
    description:
      'Calls whose model had no known price (no dataset price, no LLM_PRICING_JSON entry), so their cost is missing from costUsd, not $0; `npm run llm:reprice` prices them once a price is known. Mock calls are free, never unpriced',
  })
  unpricedCalls: number;

  @ApiProperty({ example: 840, nullable: true, type: Number })
  averageLatencyMs: number | null;
}

export class UsageReportDto {
  @ApiProperty()
  from: Date;

  @ApiProperty()
  to: Date;

  @ApiProperty({ enum: USAGE_GROUPS })
  groupBy: UsageGroup;

  @ApiProperty({ type: [UsageBucketDto] })
  buckets: UsageBucketDto[];

  @ApiProperty({ type: UsageBucketDto, description: 'All buckets together' })
  total: UsageBucketDto;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `npm run llm:reprice` options: which logs get their cost recomputed from today's prices. */
export class RepriceUsageDto {
  /** First UTC day, inclusive; default: the oldest log. */
  @IsOptional()
  @Matches(DAY, { message: '$property must be a day, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  from?: string;

  /** Last UTC day, inclusive; default: the newest log. */
  @IsOptional()
  @Matches(DAY, { message: '$property must be a day, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  to?: string;

  /** Only the logs whose cost is unknown (NULL); default: every non-mock log of the range. */
  @IsOptional()
  @IsBoolean()
  onlyUnpriced?: boolean;

  /** Count what would change, write nothing. */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
