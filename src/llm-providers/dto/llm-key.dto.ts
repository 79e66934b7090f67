import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { TextField } from '../../common/http/plain-text.decorator';
import { LLM_PROVIDERS, LlmApiKeyEntity, type LlmProvider } from '../entities/llm-api-key.entity';
import { LLM_RULES } from '../llm-providers.rules';

const RULES = LLM_RULES.key;

export class CreateLlmKeyDto {
  @ApiProperty({ enum: LLM_PROVIDERS, example: 'openai' })
  @IsIn(LLM_PROVIDERS)
  provider: LlmProvider;

  @ApiProperty({
    example: 'Support team OpenAI key',
    minLength: 1,
    maxLength: RULES.nameMaxLength,
    description: 'Plain text: markup is removed',
  })
  @TextField({ maxLength: RULES.nameMaxLength })
  name: string;

  @ApiProperty({
    example: 'sk-proj-…',
    description:
      'The provider key. Stored encrypted (AES-256-GCM) and never returned by any endpoint.',
  })
  @IsString()
  @MinLength(RULES.secretMinLength)
  @MaxLength(RULES.secretMaxLength)
  apiKey: string;

  @ApiPropertyOptional({
    example: true,
    description: 'Use it when a call names no key (one default per provider)',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ example: { preferredModel: 'gpt-4o-mini' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 50,
    type: Number,
    nullable: true,
    description: 'Monthly budget in US dollars',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: RULES.budgetDecimals })
  @Min(0)
  @Max(RULES.budgetMaxUsd)
  monthlyBudgetUsd?: number | null;
}

export class UpdateLlmKeyDto {
  @ApiPropertyOptional({ example: 'Renamed key', minLength: 1, maxLength: RULES.nameMaxLength })
  @IsOptional()
  @TextField({ maxLength: RULES.nameMaxLength })
  name?: string;

  @ApiPropertyOptional({ example: 'sk-proj-…', description: 'Replace the stored key' })
  @IsOptional()
  @IsString()
  @MinLength(RULES.secretMinLength)
  @MaxLength(RULES.secretMaxLength)
  apiKey?: string;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({
    example: true,
    description: 'Becomes the default; the previous default is unset',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ example: { preferredModel: 'mistral-large-latest' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ example: null, type: Number, nullable: true })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: RULES.budgetDecimals })
  @Min(0)
  @Max(RULES.budgetMaxUsd)
  monthlyBudgetUsd?: number | null;
}

export class ListLlmKeysQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: one user’s keys' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class LlmKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ enum: LLM_PROVIDERS })
  provider: LlmProvider;

  @ApiProperty({ example: 'Support team OpenAI key' })
  name: string;

  @ApiProperty({
    example: 'sk-proj-ab12…',
    description: 'Enough to recognise the key; the rest is never shown',
  })
  keyPrefix: string;

  @ApiProperty({ example: true })
  isActive: boolean;

  @ApiProperty({ example: true })
  isDefault: boolean;

  @ApiProperty({ example: 12 })
  usageCount: number;

  @ApiProperty({ type: Date, nullable: true })
  lastUsedAt: Date | null;

  @ApiProperty({ example: {} })
  metadata: Record<string, unknown>;

  @ApiProperty({ example: 50, type: Number, nullable: true })
  monthlyBudgetUsd: number | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;

  static from(k: LlmApiKeyEntity): LlmKeyResponseDto {
    return {
      id: k.id,
      userId: k.userId,
      provider: k.provider,
      name: k.name,
      keyPrefix: k.keyPrefix,
      isActive: k.isActive,
      isDefault: k.isDefault,
      usageCount: k.usageCount,
      lastUsedAt: k.lastUsedAt,
      metadata: k.metadata,
      monthlyBudgetUsd: k.monthlyBudgetMicroUsd === null ? null : k.monthlyBudgetMicroUsd / 1e6,
      createdAt: k.createdAt,
      updatedAt: k.updatedAt,
    };
  }
}

export class TestLlmKeyDto {
  @ApiPropertyOptional({
    example: 'gpt-4o-mini',
    description: 'Default: the key’s `metadata.preferredModel`, else the provider’s default model',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  model?: string;
}

export class LlmKeyTestErrorDto {
  @ApiProperty({
    example: 'PROVIDER_KEY_REJECTED',
    enum: [
      'PROVIDER_KEY_REJECTED',
      'PROVIDER_RATE_LIMITED',
      'PROVIDER_ERROR',
      'PROVIDER_REFUSED_REQUEST',
      'PROVIDER_TIMEOUT',
      'LLM_KEY_UNREADABLE',
    ],
  })
  code: string;

  @ApiProperty({ example: 'openai rejected the key (HTTP 401): check or replace it' })
  message: string;

  @ApiPropertyOptional({ example: '20', description: 'The provider’s Retry-After, on a 429' })
  retryAfter?: string;
}

export class LlmKeyTestResultDto {
  @ApiProperty({ example: true, description: 'The provider accepted the key and answered' })
  ok: boolean;

  @ApiProperty({ enum: LLM_PROVIDERS, example: 'openai' })
  provider: LlmProvider;

  @ApiProperty({
    example: 'gpt-4o-mini',
    description: 'The model asked (or the one that answered)',
  })
  model: string;

  @ApiProperty({ example: 412, description: 'Round trip to the provider, in ms' })
  latencyMs: number;

  @ApiPropertyOptional({
    type: LlmKeyTestErrorDto,
    description: 'Present when `ok` is false; never the provider’s raw error body',
  })
  error?: LlmKeyTestErrorDto;
}
