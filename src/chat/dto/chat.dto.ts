import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { LANGUAGES, type Language } from '../../common/http/language';
import { PlainText } from '../../common/http/plain-text.decorator';
import { CHAT_RULES } from '../chat.rules';
import { MaxTextLength } from '../../common/http/max-text-length.validator';

const MAX = CHAT_RULES.messageMaxLength;
const RATING = CHAT_RULES.rating;

/** A message a visitor or staff member types: cleaned to plain text, then 1-4,000 characters. */
export const ChatMessageText = () =>
  applyDecorators(
    PlainText(),
    IsString(),
    IsNotEmpty({ message: '$property is empty once markup and control characters are removed' }),
    MaxTextLength(MAX, { message: `$property is longer than ${MAX} characters` }),
  );

export const CHAT_MESSAGE_DESCRIPTION =
  'Plain text. Markup is stripped, Unicode normalised (NFC), control characters removed ' +
  `(newlines and tabs kept) and the result trimmed; empty or over ${MAX.toLocaleString('en')} characters after that → 400.`;

export class CreateChatSessionDto {
  @ApiPropertyOptional({
    enum: LANGUAGES,
    example: 'en',
    description:
      'Language of the welcome message (the page sends its own); omitted: the first of Accept-Language we speak, else French',
  })
  @IsOptional()
  @IsIn(LANGUAGES)
  lang?: Language;
}

export class RateChatSessionDto {
  @ApiProperty({ minimum: RATING.min, maximum: RATING.max, example: 5 })
  @IsInt()
  @Min(RATING.min)
  @Max(RATING.max)
  rating: number;

  @ApiPropertyOptional({
    example: 'Réponse rapide et claire, merci !',
    maxLength: RATING.commentMaxLength,
    description: `Plain text, cleaned like a message; at most ${RATING.commentMaxLength.toLocaleString('en')} characters. Empty: no comment.`,
  })
  @IsOptional()
  @PlainText()
  @IsString()
  @MaxTextLength(RATING.commentMaxLength, {
    message: `$property is longer than ${RATING.commentMaxLength} characters`,
  })
  comment?: string;
}

export class SendChatMessageDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  @IsUUID()
  sessionId: string;

  @ApiProperty({
    example: 'Bonjour, mon devis n’est pas arrivé, pouvez-vous vérifier ?',
    description: CHAT_MESSAGE_DESCRIPTION,
    maxLength: MAX,
  })
  @ChatMessageText()
  message: string;
}

export class ChatHistoryQueryDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  @IsUUID()
  sessionId: string;

  @ApiPropertyOptional({
    example: 3,
    description: 'Cursor: only messages with a greater sequence are returned (default 0: all)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(CHAT_RULES.maxSequence)
  after?: number;
}

export class ChatStreamQueryDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  @IsUUID()
  sessionId: string;

  @ApiPropertyOptional({
    example: 3,
    description:
      'Cursor: first send the stored messages after this sequence (the Last-Event-ID header wins when present)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(CHAT_RULES.maxSequence)
  after?: number;
}
