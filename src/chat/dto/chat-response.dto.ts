import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LANGUAGES, type Language } from '../../common/http/language';
import { CHAT_MESSAGE_ROLES, type ChatMessageRole } from '../entities/chat-message.entity';
import { CHAT_SESSION_STATUSES, type ChatSessionStatus } from '../entities/chat-session.entity';

export class ChatMessageDto {
  @ApiProperty({ format: 'uuid', example: '5f0c7a0e-2b7c-4d0e-9d0a-3f6e2a1b9c8d' })
  id: string;

  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  sessionId: string;

  @ApiProperty({ example: 2, description: '1, 2, 3… within the session: the polling cursor' })
  sequence: number;

  @ApiProperty({ enum: CHAT_MESSAGE_ROLES, example: 'assistant' })
  role: ChatMessageRole;

  @ApiProperty({ type: String, nullable: true, example: 'Assistant' })
  senderName: string | null;

  @ApiProperty({
    example: 'Bonjour ! Je regarde cela tout de suite.',
    description: 'Plain text (never markup): render it as text',
  })
  content: string;

  @ApiProperty({ type: Number, nullable: true, example: 42, description: 'Assistant replies only' })
  tokensUsed: number | null;

  @ApiProperty({ example: '2025-11-26T09:30:00.000Z' })
  createdAt: Date;
}

export class ChatSessionStateDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  sessionId: string;

  @ApiProperty({ enum: CHAT_SESSION_STATUSES, example: 'pending' })
  status: ChatSessionStatus;

  @ApiProperty({ example: true, description: 'False once staff took over' })
  assistantEnabled: boolean;
}

export class CreateChatSessionResponseDto extends ChatSessionStateDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'chat_Qm9uam91ciBsZSBtb25kZSBkZXMgdGVzdHMgISEhISE',
    description:
      'Anonymous sessions only (null for a logged-in user): send it back as `Authorization: Bearer` ' +
      'or `X-Chat-Token`. Shown once; only its hash is stored.',
  })
  sessionToken: string | null;

  @ApiProperty({
    enum: LANGUAGES,
    example: 'fr',
    description: 'The language of the welcome message: `lang`, else Accept-Language, else French',
  })
  lang: Language;

  @ApiProperty({ type: [ChatMessageDto], description: 'The welcome message' })
  messages: ChatMessageDto[];
}

export class SendChatMessageResponseDto extends ChatSessionStateDto {
  @ApiProperty({ type: ChatMessageDto, description: 'The stored (cleaned) user message' })
  message: ChatMessageDto;

  @ApiPropertyOptional({
    type: ChatMessageDto,
    nullable: true,
    description:
      'The assistant reply, a system notice (handoff, provider failure) or null when staff will answer',
  })
  reply: ChatMessageDto | null;
}

export class ChatHistoryResponseDto extends ChatSessionStateDto {
  @ApiProperty({ type: [ChatMessageDto], description: 'Messages after the cursor, oldest first' })
  messages: ChatMessageDto[];

  @ApiProperty({ example: 4, description: 'The newest sequence in the session: the next cursor' })
  lastSequence: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: null,
    description: 'Your rating (1–5) once given; null: not rated (a resolved session can be)',
  })
  rating: number | null;
}

export class ChatRatingResponseDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  sessionId: string;

  @ApiProperty({ minimum: 1, maximum: 5, example: 5 })
  rating: number;

  @ApiProperty({ type: String, nullable: true, example: 'Réponse rapide et claire, merci !' })
  ratingComment: string | null;

  @ApiProperty({ example: '2025-12-09T10:00:00.000Z' })
  ratedAt: Date;
}
