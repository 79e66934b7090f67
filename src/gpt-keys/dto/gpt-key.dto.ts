import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsInt,
  IsOptional,
  Max,
  Min,
  MinDate,
  ValidateIf,
} from 'class-validator';
import { TextField } from '../../common/http/plain-text.decorator';
import { GptApiKeyEntity, type GptKeyStatus } from '../entities/gpt-api-key.entity';
import { GptKeyFormat } from '../gpt-key-format';
import { GPT_KEY_RULES } from '../gpt-keys.rules';

const { name: NAME, rateLimitPerHour: RATE, graceSeconds: GRACE } = GPT_KEY_RULES;
const now = () => new Date();

export class CreateGptKeyDto {
  @ApiProperty({
    example: 'Production GPT',
    minLength: NAME.minLength,
    maxLength: NAME.maxLength,
    description: 'Plain text: markup is removed',
  })
  @TextField({ minLength: NAME.minLength, maxLength: NAME.maxLength })
  name: string;

  @ApiPropertyOptional({
    example: 200,
    minimum: RATE.min,
    maximum: RATE.max,
    description: `Requests per hour; defaults to GPT_DEFAULT_RATE_LIMIT (${RATE.default} unless set)`,
  })
  @IsOptional()
  @IsInt()
  @Min(RATE.min)
  @Max(RATE.max)
  rateLimitPerHour?: number;

  @ApiPropertyOptional({
    example: '2027-06-30T00:00:00.000Z',
    type: Date,
    nullable: true,
    description: 'Omit or null for no expiry',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  @MinDate(now, { message: 'expiresAt must be in the future' })
  expiresAt?: Date | null;
}

export class UpdateGptKeyDto {
  @ApiPropertyOptional({
    example: 'Production GPT (EU)',
    minLength: NAME.minLength,
    maxLength: NAME.maxLength,
    description: 'Plain text: markup is removed',
  })
  @IsOptional()
  @TextField({ minLength: NAME.minLength, maxLength: NAME.maxLength })
  name?: string;

  @ApiPropertyOptional({ example: 500, minimum: RATE.min, maximum: RATE.max })
  @IsOptional()
  @IsInt()
  @Min(RATE.min)
  @Max(RATE.max)
  rateLimitPerHour?: number;

  @ApiPropertyOptional({
    example: null,
    type: Date,
    nullable: true,
    description: 'A future date, or null to remove the expiry',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Type(() => Date)
  @IsDate()
  @MinDate(now, { message: 'expiresAt must be in the future' })
  expiresAt?: Date | null;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}

export class RotateGptKeyDto {
  @ApiPropertyOptional({
    example: 3600,
    minimum: GRACE.min,
    maximum: GRACE.max,
    description: `Seconds the old key keeps working (default ${GRACE.default}: it stops at once)`,
  })
  @IsOptional()
  @IsInt()
  @Min(GRACE.min)
  @Max(GRACE.max)
  graceSeconds?: number;
}

export class GptKeyResponseDto {
  @ApiProperty({ format: 'uuid', example: '5c1d1f0e-2a8b-4d3c-9e7f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: 'Production GPT' })
  name: string;

  @ApiProperty({ example: 'torp_gpt_abcd***', description: 'Masked key: enough to recognise it' })
  maskedKey: string;

  @ApiProperty({ enum: ['active', 'inactive', 'expired'], example: 'active' })
  status: GptKeyStatus;

  @ApiProperty({ example: 200 })
  rateLimitPerHour: number;

  @ApiProperty({
    example: 1342,
    description: 'Requests served (written in batches every few seconds)',
  })
  usageCount: number;

  @ApiProperty({ example: '2026-11-22T10:15:00.000Z', nullable: true, type: Date })
  lastUsedAt: Date | null;

  @ApiProperty({ example: null, nullable: true, type: Date })
  expiresAt: Date | null;

  @ApiProperty({ example: true })
  isActive: boolean;

  @ApiProperty({ example: null, nullable: true, format: 'uuid', type: String })
  replacedById: string | null;

  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' })
  createdAt: Date;

  static from(key: GptApiKeyEntity): GptKeyResponseDto {
    return {
      id: key.id,
      name: key.name,
      maskedKey: GptKeyFormat.mask(key.displayPrefix),
      status: key.status(),
      rateLimitPerHour: key.rateLimitPerHour,
      usageCount: key.usageCount,
      lastUsedAt: key.lastUsedAt,
      expiresAt: key.expiresAt,
      isActive: key.isActive,
      replacedById: key.replacedById,
      createdAt: key.createdAt,
    };
  }
}

export class IssuedGptKeyResponseDto extends GptKeyResponseDto {
  @ApiProperty({
    example: 'torp_gpt_abcd…',
    description: 'The plaintext key. Shown this once: it is stored only as a SHA-256 hash.',
  })
  key: string;
}

export class GptMeResponseDto {
  @ApiProperty({
    example: 'Production GPT',
    description: 'The key name, or for a person signed in with OAuth: "<name> via <assistant>"',
  })
  name: string;

  @ApiProperty({
    example: 'torp_gpt_abcd',
    description: 'First characters of the key; "oauth" for an OAuth access token',
  })
  keyPrefix: string;

  @ApiProperty({ example: 100, description: 'Requests allowed per hour' })
  rateLimit: number;

  @ApiProperty({ example: 87, description: 'Requests left in the current hour after this one' })
  remaining: number;

  @ApiProperty({ example: 1800, description: 'Seconds until the hourly window resets' })
  resetInSeconds: number;

  @ApiProperty({
    example: null,
    nullable: true,
    type: Date,
    description: 'When the key (or the access token) expires',
  })
  expiresAt: Date | null;
}
