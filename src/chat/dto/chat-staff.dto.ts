import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { LLM_PROVIDERS, type LlmProvider } from '../../llm-providers/entities/llm-api-key.entity';
import { MAX_FALLBACKS } from '../../llm-gateway/gateway-target.dto';
import {
  CHAT_PROVIDERS,
  type ChatProvider,
} from '../../llm-providers/providers/llm-providers.settings';
import { CHAT_RULES } from '../chat.rules';
import { CHAT_SESSION_STATUSES, type ChatSessionStatus } from '../entities/chat-session.entity';
import { ChatMessageDto } from './chat-response.dto';
import { CHAT_MESSAGE_DESCRIPTION, ChatMessageText } from './chat.dto';

const { sessionList: LIST, settings: SETTINGS } = CHAT_RULES;

const WelcomeText = () =>
  applyDecorators(
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(SETTINGS.welcomeMessageMaxLength),
  );

export class ListChatSessionsQueryDto {
  @ApiPropertyOptional({ enum: CHAT_SESSION_STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(CHAT_SESSION_STATUSES)
  status?: ChatSessionStatus;

  @ApiPropertyOptional({ example: LIST.default, default: LIST.default, maximum: LIST.max })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIST.max)
  limit?: number;

  @ApiPropertyOptional({ example: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class StaffReplyDto {
  @ApiProperty({
    example: 'Bonjour, je suis Claire du support. Je m’occupe de votre demande.',
    description: CHAT_MESSAGE_DESCRIPTION,
    maxLength: CHAT_RULES.messageMaxLength,
  })
  @ChatMessageText()
  message: string;
}

export class AssignChatSessionDto {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a3e6a64-5f7e-4f7b-8c5c-0a1d2b3c4d5e',
    description: 'A staff or admin user; omitted: yourself',
  })
  @IsOptional()
  @IsUUID()
  staffId?: string;
}

export class ChatSessionSummaryDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  id: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  userId: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  userEmail: string | null;

  @ApiProperty({ enum: CHAT_SESSION_STATUSES, example: 'open' })
  status: ChatSessionStatus;

  @ApiProperty({ example: false })
  assistantEnabled: boolean;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: null })
  assignedStaffId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mon devis n’est pas arrivé' })
  title: string | null;

  @ApiProperty({ example: 4 })
  lastSequence: number;

  @ApiProperty({ type: Date, nullable: true, example: '2025-11-26T09:31:00.000Z' })
  lastMessageAt: Date | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 4,
    description: 'The visitor’s satisfaction (1–5) once resolved; null: not rated',
  })
  rating: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'Rapide, merci.' })
  ratingComment: string | null;

  @ApiProperty({ type: Date, nullable: true, example: '2025-11-26T10:00:00.000Z' })
  ratedAt: Date | null;

  @ApiProperty({ example: '2025-11-26T09:30:00.000Z' })
  createdAt: Date;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    example: null,
    description:
      'The devis whose doubtful analysis opened this conversation; the analyses sent here carry its id as supportSessionId (mark one reviewed: POST /api/admin/gpt-analyses/{id}/review)',
  })
  devisId: string | null;
}

export class ChatSessionListDto {
  @ApiProperty({ type: [ChatSessionSummaryDto] })
  items: ChatSessionSummaryDto[];

  @ApiProperty({ example: 1 })
  total: number;
}

export class ChatSessionDetailDto extends ChatSessionSummaryDto {
  @ApiProperty({ type: [ChatMessageDto], description: 'Every message, oldest first' })
  messages: ChatMessageDto[];
}

/** A fallback of the assistant: another of the admin's own keys (and its model). */
export class ChatFallbackDto {
  @ApiProperty({ enum: LLM_PROVIDERS, example: 'mistral' })
  @IsIn(LLM_PROVIDERS)
  provider: LlmProvider;

  @ApiPropertyOptional({
    example: 'mistral-small-latest',
    description: 'Default: provider default',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SETTINGS.modelMaxLength)
  model?: string;

  @ApiProperty({ format: 'uuid', description: 'One of your own active keys for `provider`' })
  @IsUUID()
  keyId: string;
}

export class ChatSettingsDto {
  @ApiProperty({ example: true })
  autoReplyEnabled: boolean;

  @ApiProperty({ enum: CHAT_PROVIDERS, example: 'mistral' })
  provider: ChatProvider;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Null: provider default',
  })
  model: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    example: null,
    description: 'The admin-owned provider key the assistant spends; null: the mock answers',
  })
  llmKeyId: string | null;

  @ApiProperty({
    type: [ChatFallbackDto],
    description: 'Tried in order when the call before failed',
  })
  fallbacks: ChatFallbackDto[];

  @ApiProperty({ example: 'You are the support assistant of Passerelle. Answer briefly.' })
  systemPrompt: string;

  @ApiProperty({
    example: 'Bonjour ! Comment pouvons-nous vous aider ?',
    description: 'The French welcome: same as welcomeMessageFr (kept for older clients)',
  })
  welcomeMessage: string;

  @ApiProperty({
    example: 'Bonjour ! Comment pouvons-nous vous aider ?',
    description: 'First message of a conversation in French (the default language)',
  })
  welcomeMessageFr: string;

  @ApiProperty({
    example: 'Hello! How can we help you today?',
    description: 'First message of a conversation in English',
  })
  welcomeMessageEn: string;

  @ApiProperty({ type: [String], example: ['human', 'agent', 'conseiller'] })
  handoffKeywords: string[];

  @ApiProperty({
    example: 60,
    description:
      'An analysis stored with a confidence below this, or grade E, opens a support conversation for a person to review',
  })
  reviewConfidenceThreshold: number;

  @ApiProperty({
    example: false,
    description: 'CHAT_MOCK_MODE or no usable key: replies come from the deterministic mock',
  })
  mockReplies: boolean;

  @ApiProperty({ example: '2025-11-26T09:00:00.000Z' })
  updatedAt: Date;
}

export class UpdateChatSettingsDto {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  autoReplyEnabled?: boolean;

  @ApiPropertyOptional({ enum: CHAT_PROVIDERS, example: 'openai' })
  @IsOptional()
  @IsIn(CHAT_PROVIDERS)
  provider?: ChatProvider;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'gpt-4o-mini' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SETTINGS.modelMaxLength)
  model?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uuid',
    example: '3c1b9a2e-0f4d-4e5a-9b6c-7d8e9f0a1b2c',
    description: 'One of your own active keys for `provider`; null: none (mock replies)',
  })
  @IsOptional()
  @IsUUID()
  llmKeyId?: string | null;

  @ApiPropertyOptional({
    type: [ChatFallbackDto],
    maxItems: MAX_FALLBACKS,
    description:
      'Tried in order when the call before got a 429, a 5xx, a timeout, a refused key or its ' +
      'budget was spent; [] for none. Each key must be one of your own active keys.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FALLBACKS)
  @ValidateNested({ each: true })
  @Type(() => ChatFallbackDto)
  fallbacks?: ChatFallbackDto[];

  @ApiPropertyOptional({ example: 'You are the support assistant of Passerelle. Answer briefly.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SETTINGS.systemPromptMaxLength)
  systemPrompt?: string;

  @ApiPropertyOptional({
    example: 'Bonjour ! Comment pouvons-nous vous aider ?',
    description: 'The French welcome (older name of welcomeMessageFr; do not send both)',
  })
  @WelcomeText()
  welcomeMessage?: string;

  @ApiPropertyOptional({ example: 'Bonjour ! Comment pouvons-nous vous aider ?' })
  @WelcomeText()
  welcomeMessageFr?: string;

  @ApiPropertyOptional({ example: 'Hello! How can we help you today?' })
  @WelcomeText()
  welcomeMessageEn?: string;

  @ApiPropertyOptional({ type: [String], example: ['human', 'agent', 'conseiller'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SETTINGS.handoffKeywords.maxCount)
  @IsString({ each: true })
  @MinLength(SETTINGS.handoffKeywords.minLength, { each: true })
  @MaxLength(SETTINGS.handoffKeywords.maxLength, { each: true })
  handoffKeywords?: string[];

  @ApiPropertyOptional({ example: 60, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  reviewConfidenceThreshold?: number;
}

export { ChatMessageDto };
