import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { GatewayTargetDto, MAX_FALLBACKS } from '../../../llm-gateway/gateway-target.dto';
import { CHAT_PROVIDERS, type ChatProvider } from '../../providers/llm-providers.settings';

export class LlmChatRequestDto {
  @ApiProperty({ enum: CHAT_PROVIDERS, example: 'openai', description: '`mock` needs no key' })
  @IsIn(CHAT_PROVIDERS)
  provider: ChatProvider;

  @ApiPropertyOptional({
    example: 'Summarise our refund policy in two sentences.',
    maxLength: 32_000,
    description: 'The user message. Required unless `templateId` is given (not both).',
  })
  @ValidateIf((o: LlmChatRequestDto) => o.templateId === undefined || o.message !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(32_000)
  message?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'One of your prompt templates (`/api/llm/templates`): its content, with `{{name}}` ' +
      'placeholders filled from `variables`, is sent as the user message instead of `message`. ' +
      'A placeholder without a variable → 400 naming it.',
  })
  @IsOptional()
  @IsUUID()
  templateId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { reference: 'DEV-2026-0042', client: 'Boulangerie Martin' },
    description: 'Values of the template’s placeholders (strings); only with `templateId`',
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, string>;

  @ApiPropertyOptional({
    example: 'gpt-5-mini',
    description:
      'Default: the provider’s default (GET /api/llm/models). Retired 2024 names are accepted as aliases of their successors.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional({ example: 'You are a concise assistant.', maxLength: 8_000 })
  @IsOptional()
  @IsString()
  @MaxLength(8_000)
  systemPrompt?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 0.7 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32_000, example: 1024 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_000)
  maxTokens?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'A conversation of yours: an existing one continues (its earlier turns are sent along); ' +
      'a new UUID you choose starts one with that id, so a client can use its own tracking id. ' +
      'Someone else’s conversation → 404.',
  })
  @IsOptional()
  @IsUUID()
  conversationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'One of your keys; default: your default active key for the provider',
  })
  @IsOptional()
  @IsUUID()
  keyId?: string;

  @ApiPropertyOptional({
    type: [GatewayTargetDto],
    maxItems: MAX_FALLBACKS,
    description:
      'Tried in order when the call before got a 429, a 5xx, a timeout or a refused key (or its ' +
      'key is over budget), before any text was sent. Every attempt is in the usage log.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FALLBACKS)
  @ValidateNested({ each: true })
  @Type(() => GatewayTargetDto)
  fallbacks?: GatewayTargetDto[];

  @ApiPropertyOptional({
    description:
      'Answer as Server-Sent Events: `delta` events, then `done` (or `error`) as JSON in `data:` lines',
  })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;
}

export class LlmChatUsageDto {
  @ApiProperty() promptTokens: number;
  @ApiProperty() completionTokens: number;
  @ApiProperty() totalTokens: number;
}

export class LlmChatResultDto {
  @ApiProperty() response: string;
  @ApiProperty() model: string;
  @ApiProperty({ enum: CHAT_PROVIDERS, description: 'The provider that answered' })
  provider: ChatProvider;
  @ApiProperty({ description: '1: the first target answered; 2: the first fallback; …' })
  attempt: number;
  @ApiProperty({ type: LlmChatUsageDto }) usage: LlmChatUsageDto;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ format: 'uuid' }) conversationId: string;
}

export class LlmChatResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: LlmChatResultDto }) data: LlmChatResultDto;
}
