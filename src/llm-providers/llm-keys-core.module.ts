import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { llmConfig, type LlmConfig } from '../config';
import { LlmApiKeyEntity } from './entities/llm-api-key.entity';
import { LlmUsageLogEntity } from './entities/llm-usage-log.entity';
import { LlmKeysRepository } from './llm-keys.repository';
import { LlmKeysService } from './llm-keys.service';
import { LLM_PRICING, LlmPricing } from './usage/llm-pricing';
import { LlmUsageRecorder } from './usage/llm-usage.recorder';
import { LlmUsageRepository } from './usage/llm-usage.repository';
import { LlmUsageService } from './usage/llm-usage.service';

/**
 * The key vault, the usage recorder and reports, without HTTP parts: the LLM gateway, the
 * back-office and the CLI import it. Nothing else reads `llm_api_keys` or `llm_usage_logs`.
 */
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
