import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmChatController } from './chat/llm-chat.controller';
import { LlmChatService } from './chat/llm-chat.service';
import { LlmConversationsRepository } from './chat/llm-conversations.repository';
import { LlmApiKeyEntity } from './entities/llm-api-key.entity';
import {
  LlmConversationEntity,
  LlmConversationMessageEntity,
} from './entities/llm-conversation.entity';
import { LlmUsageLogEntity } from './entities/llm-usage-log.entity';
import { LlmKeyTestService } from './llm-key-test.service';
import { LlmKeysController } from './llm-keys.controller';
import { LlmKeysRepository } from './llm-keys.repository';
import { LlmKeysService } from './llm-keys.service';
import { LlmClient } from './providers/llm-client';
import { LLM_PROVIDERS_SETTINGS, llmProvidersSettings } from './providers/llm-providers.settings';
import { llmConfig, type LlmConfig } from '../config';
import { LlmTemplatesModule } from './templates/templates.module';
import { LLM_PRICING, LlmPricing } from './usage/llm-pricing';
import { LlmUsageRecorder } from './usage/llm-usage.recorder';
import { LlmUsageRepository } from './usage/llm-usage.repository';
import { LlmUsageService } from './usage/llm-usage.service';

/** The key vault, the usage recorder and reports, without HTTP parts (used by the CLI too). */
@Module({
  imports: [TypeOrmModule.forFeature([LlmApiKeyEntity, LlmUsageLogEntity])],
  providers: [
    LlmKeysService,
    LlmKeysRepository,
    LlmUsageRecorder,
    LlmUsageRepository,
    LlmUsageService,
    {
      provide: LLM_PRICING,
      inject: [llmConfig.KEY],
      useFactory: (c: LlmConfig) => LlmPricing.fromJson(c.pricingJson),
    },
  ],
  exports: [LlmKeysService, LlmUsageRecorder, LlmUsageService, LLM_PRICING],
})
export class LlmKeysCoreModule {}

@Module({
  imports: [
    LlmKeysCoreModule,
    LlmTemplatesModule,
    TypeOrmModule.forFeature([LlmConversationEntity, LlmConversationMessageEntity]),
  ],
  controllers: [LlmKeysController, LlmChatController],
  providers: [
    {
      provide: LLM_PROVIDERS_SETTINGS,
      inject: [llmConfig.KEY],
      useFactory: llmProvidersSettings,
    },
    LlmClient,
    LlmConversationsRepository,
    LlmChatService,
    LlmKeyTestService,
  ],
  exports: [LlmChatService],
})
export class LlmProvidersModule {}
