import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedbackEntity } from './entities/feedback.entity';
import { FeedbackWebhook } from './feedback-webhook';
import { FeedbackAdminController, FeedbackController } from './feedback.controller';
import { FeedbackRepository } from './feedback.repository';
import { FeedbackService } from './feedback.service';

/** Public feedback form endpoint, staff triage, and the bug-report webhook. */
@Module({
  imports: [TypeOrmModule.forFeature([FeedbackEntity])],
  controllers: [FeedbackController, FeedbackAdminController],
  providers: [FeedbackService, FeedbackRepository, FeedbackWebhook],
  exports: [FeedbackService],
})
export class FeedbackModule {}
