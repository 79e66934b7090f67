import { Module } from '@nestjs/common';
import { llmConfig } from '../config';
import { LlmKeysCoreModule } from '../llm-providers/llm-keys-core.module';
import { LlmClient } from '../llm-providers/providers/llm-client';
import {
  LLM_PROVIDERS_SETTINGS,
  llmProvidersSettings,
} from '../llm-providers/providers/llm-providers.settings';
import { LlmBudgets } from './llm-budgets';
import { LlmGateway } from './llm-gateway.service';

/**
 * The LLM gateway: the only way to call a provider. The chat proxy, the OpenAI-compatible API,
 * key tests and the support chat import this module; none of them builds a client, reveals a
 * key or writes a usage log itself.
 */
@Module({
  imports: [LlmKeysCoreModule],
  providers: [
    { provide: LLM_PROVIDERS_SETTINGS, inject: [llmConfig.KEY], useFactory: llmProvidersSettings },
    LlmClient,
    LlmBudgets,
    LlmGateway,
  ],
  exports: [LlmGateway, LLM_PROVIDERS_SETTINGS],
})
export class LlmGatewayModule {}
