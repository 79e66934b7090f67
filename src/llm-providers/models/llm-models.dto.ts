import { ApiProperty } from '@nestjs/swagger';
import { CHAT_PROVIDERS, type ChatProvider } from '../providers/llm-providers.settings';

export class ModelEntryDto {
  @ApiProperty({ example: 'gpt-5-mini' }) id: string;
  @ApiProperty({
    description:
      'Its price is known (dataset or LLM_PRICING_JSON): calls are costed, and a key with a budget may use it',
  })
  priced: boolean;
}

export class ProviderModelsDto {
  @ApiProperty({ enum: CHAT_PROVIDERS, example: 'openai' }) provider: ChatProvider;
  @ApiProperty({ example: 'gpt-5-mini', description: 'Used when a call names no model' })
  defaultModel: string;
  @ApiProperty({ description: 'You hold an active key for it (always true for mock)' })
  hasKey: boolean;
  @ApiProperty({ type: [ModelEntryDto], description: 'Offered by default; other names still pass' })
  models: ModelEntryDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'gpt-4-turbo-preview': 'gpt-5-mini' },
    description: 'Retired names accepted and sent as their successor',
  })
  aliases: Record<string, string>;
}
