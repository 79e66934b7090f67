import { Module } from '@nestjs/common';
import { LlmKeysCoreModule } from '../llm-keys-core.module';
import { LlmUsageController } from './llm-usage.controller';

/** GET /api/llm/usage; the service and repository live in LlmKeysCoreModule (shared with the back-office). */
@Module({
  imports: [LlmKeysCoreModule],
  controllers: [LlmUsageController],
})
export class LlmUsageModule {}
