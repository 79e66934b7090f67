import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
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
} from 'class-validator';
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

  @ApiPropertyOptional({ example: 'gpt-4o-mini', description: 'Default: the provider’s default' })
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
    description: 'Continue a conversation (the earlier turns are sent along)',
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
  @ApiProperty({ enum: CHAT_PROVIDERS }) provider: ChatProvider;
  @ApiProperty({ type: LlmChatUsageDto }) usage: LlmChatUsageDto;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ format: 'uuid' }) conversationId: string;
}

export class LlmChatResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: LlmChatResultDto }) data: LlmChatResultDto;
}
