import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatModule } from '../chat/chat.module';
import { DevisModule } from '../devis/devis.module';
import { GptAnalysisEntity } from './entities/gpt-analysis.entity';
import { GptIdempotencyRecordEntity } from './entities/gpt-idempotency-record.entity';
import { GptActionsController } from './gpt-actions.controller';
import { GptAnalysesStatsController } from './gpt-analyses-stats.controller';
import { GptAnalysesRepository } from './gpt-analyses.repository';
import { GptAnalysesService } from './gpt-analyses.service';

@Module({
  imports: [
    DevisModule,
    ChatModule,
    TypeOrmModule.forFeature([GptAnalysisEntity, GptIdempotencyRecordEntity]),
  ],
  controllers: [GptActionsController, GptAnalysesStatsController],
  providers: [GptAnalysesService, GptAnalysesRepository],
  exports: [GptAnalysesService],
})
export class GptAnalysesModule {}
