import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmUsageLogEntity } from '../entities/llm-usage-log.entity';
import { LlmUsageController } from './llm-usage.controller';
import { LlmUsageService } from './llm-usage.service';

@Module({
  imports: [TypeOrmModule.forFeature([LlmUsageLogEntity])],
  controllers: [LlmUsageController],
  providers: [LlmUsageService],
})
export class LlmUsageModule {}
