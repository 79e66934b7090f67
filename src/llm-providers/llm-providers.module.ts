import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmApiKeyEntity } from './entities/llm-api-key.entity';
import { LlmUsageLogEntity } from './entities/llm-usage-log.entity';
import { LlmKeysController } from './llm-keys.controller';
import { LlmKeysRepository } from './llm-keys.repository';
import { LlmKeysService } from './llm-keys.service';
import { LlmUsageRecorder } from './usage/llm-usage.recorder';

/** The key vault and the usage recorder, without HTTP parts (used by the CLI too). */
@Module({
  imports: [TypeOrmModule.forFeature([LlmApiKeyEntity, LlmUsageLogEntity])],
  providers: [LlmKeysService, LlmKeysRepository, LlmUsageRecorder],
  exports: [LlmKeysService, LlmUsageRecorder],
})
export class LlmKeysCoreModule {}

@Module({
  imports: [LlmKeysCoreModule],
  controllers: [LlmKeysController],
})
export class LlmProvidersModule {}
