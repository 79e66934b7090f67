import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/** Raw input is capped well above the 4,000-character limit, which applies after cleaning. */
const RAW_MESSAGE_MAX = 20_000;

export class CreateChatSessionDto {}

export class SendChatMessageDto {
  @ApiProperty({ format: 'uuid', example: '0b9d1d5e-7f35-4a51-a4a8-6f0f4c1d2e3a' })
  @IsUUID()
  sessionId: string;

  @ApiProperty({
    example: 'Bonjour, mon devis n’est pas arrivé, pouvez-vous vérifier ?',
    description:
      'Plain text. Markup is stripped, Unicode normalised (NFC), control characters removed ' +
      '(newlines and tabs kept) and the result trimmed; empty or over 4,000 characters after that → 400.',
    maxLength: 4000,
  })
  @IsString()
  @MaxLength(RAW_MESSAGE_MAX)
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
  @Max(2_147_483_647)
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
  @Max(2_147_483_647)
  after?: number;
}
