import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import {
  CHAT_PROVIDERS,
  type ChatProvider,
} from '../llm-providers/providers/llm-providers.settings';

/** How many fallbacks one call may list. */
export const MAX_FALLBACKS = 3;

/** A fallback: tried in order when the call before it got a 429, 5xx, timeout or refused key. */
export class GatewayTargetDto {
  @ApiProperty({ enum: CHAT_PROVIDERS, example: 'mistral' })
  @IsIn(CHAT_PROVIDERS)
  provider: ChatProvider;

  @ApiPropertyOptional({
    example: 'mistral-small-latest',
    description: 'Default: the provider’s default model (GET /api/llm/models)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'One of your keys for that provider; default: your default active key for it',
  })
  @IsOptional()
  @IsUUID()
  keyId?: string;
}
