import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LlmGatewayModule } from '../llm-gateway/llm-gateway.module';
import { LlmKeysCoreModule } from '../llm-providers/llm-keys-core.module';
import { UsersModule } from '../users/users.module';
import { ChatAccessService } from './chat-access.service';
import { ChatAssistantService } from './chat-assistant.service';
import { ChatEvents } from './chat-events';
import { ChatPageController } from './chat-page.controller';
import { ChatRateLimiter } from './chat-rate-limiter';
import { ChatReviewService } from './chat-review.service';
import { ChatSettingsRepository } from './chat-settings.repository';
import { ChatSettingsService } from './chat-settings.service';
import { ChatStaffController } from './chat-staff.controller';
import { ChatStaffService } from './chat-staff.service';
import { ChatStreamService } from './chat-stream.service';
import { ChatController } from './chat.controller';
import { ChatRepository } from './chat.repository';
import { ChatService } from './chat.service';
import { SupportWebhook } from './support-webhook';

/**
 * Support chat: sessions for visitors and users, the assistant (LlmProviders or the mock),
 * polling and SSE, staff handoff, the /support/chat page, the conversations in which staff
 * review doubtful analyses (ChatReviewService, for GptAnalysesModule) and the staff webhook.
 * ChatStaffService and ChatSettingsService are exported for the back-office.
 */
@Module({
  imports: [AuthModule, UsersModule, LlmKeysCoreModule, LlmGatewayModule],
  controllers: [ChatController, ChatStaffController, ChatPageController],
  providers: [
    ChatRepository,
    ChatSettingsRepository,
    ChatAccessService,
    ChatRateLimiter,
    ChatSettingsService,
    ChatAssistantService,
    ChatEvents,
    ChatService,
    ChatStaffService,
    ChatStreamService,
    ChatReviewService,
    SupportWebhook,
  ],
  exports: [ChatStaffService, ChatSettingsService, ChatReviewService],
})
export class ChatModule {}
