import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmApiKeyEntity } from './entities/llm-api-key.entity';
import { LlmKeysRepository } from './llm-keys.repository';
import { LlmKeysController } from './llm-keys.controller';
import { LlmKeysService } from './llm-keys.service';

/** The key vault without HTTP parts (used by the CLI too). */
@Module({
  imports: [TypeOrmModule.forFeature([LlmApiKeyEntity])],
  providers: [LlmKeysService, LlmKeysRepository],
  exports: [LlmKeysService],
})
export class LlmKeysCoreModule {}

@Module({
  imports: [LlmKeysCoreModule],
  controllers: [LlmKeysController],
})
export class LlmProvidersModule {}
