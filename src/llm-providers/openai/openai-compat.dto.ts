import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsChatContent } from './chat-content.validator';
import { GatewayTargetDto, MAX_FALLBACKS } from '../../llm-gateway/gateway-target.dto';

export const OPENAI_ROLES = ['system', 'developer', 'user', 'assistant'] as const;

/** A text part of a message (`{ type: "text", text }`); other part types are refused. */
export interface TextPart {
  type: 'text';
  text: string;
}

export class ChatCompletionMessageDto {
  @ApiProperty({ enum: OPENAI_ROLES, example: 'user' })
  @IsIn(OPENAI_ROLES)
  role: (typeof OPENAI_ROLES)[number];

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
    example: 'Résume ce devis en deux phrases.',
    description: 'Text, or an array of `{ "type": "text", "text": … }` parts',
  })
  @IsChatContent({ maxChars: 32_000 })
  content: string | TextPart[];

  @ApiPropertyOptional({ description: 'Accepted and ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;
}

export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'One last chunk with `choices: []` and the `usage`' })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

/**
 * `POST /v1/chat/completions`, the fields of OpenAI's Chat Completions request that Passerelle
 * honours; any other field is refused (400) rather than silently ignored.
 */
export class ChatCompletionRequestDto {
  @ApiProperty({
    example: 'mistral/mistral-small-latest',
    description:
      '`provider/model` (`openai/gpt-5-mini`, `anthropic/claude-sonnet-4-5`, `mock/mock-echo-1`), ' +
      'or `provider` alone for its default; routed to your stored key for that provider',
  })
  @IsString()
  @Matches(/^(mistral|openai|anthropic|groq|mock)(\/.{1,100})?$/, {
    message:
      'model must be "provider/model" with provider one of mistral, openai, anthropic, groq, mock',
  })
  model: string;

  @ApiProperty({ type: [ChatCompletionMessageDto], minItems: 1, maxItems: 200 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ChatCompletionMessageDto)
  messages: ChatCompletionMessageDto[];

  @ApiPropertyOptional({ description: 'Server-Sent Events of `chat.completion.chunk`' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: StreamOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_000)
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32_000, description: 'Same as `max_tokens`' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_000)
  max_completion_tokens?: number;

  @ApiPropertyOptional({ description: 'Only 1 is supported' })
  @IsOptional()
  @Equals(1, { message: 'n must be 1: one choice per call' })
  n?: number;

  @ApiPropertyOptional({ description: 'Accepted and ignored (your identity is your token)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Passerelle extension: store the exchange (last user message and the answer) in this ' +
      'conversation of yours; a new UUID starts one, someone else’s → 404',
  })
  @IsOptional()
  @IsUUID()
  conversation_id?: string;

  @ApiPropertyOptional({
    type: [GatewayTargetDto],
    maxItems: MAX_FALLBACKS,
    description:
      'Passerelle extension: tried in order on a 429, 5xx, timeout or refused key before any text',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FALLBACKS)
  @ValidateNested({ each: true })
  @Type(() => GatewayTargetDto)
  fallbacks?: GatewayTargetDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Passerelle extension: which of your keys' })
  @IsOptional()
  @IsUUID()
  key_id?: string;
}

export class OpenAiModelDto {
  @ApiProperty({ example: 'mistral/mistral-small-latest' }) id: string;
  @ApiProperty({ example: 'model' }) object: 'model';
  @ApiProperty({ example: 1764979200 }) created: number;
  @ApiProperty({ example: 'mistral' }) owned_by: string;
}

export class OpenAiModelListDto {
  @ApiProperty({ example: 'list' }) object: 'list';
  @ApiProperty({ type: [OpenAiModelDto] }) data: OpenAiModelDto[];
}
