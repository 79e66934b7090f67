import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmGatewayModule } from '../llm-gateway/llm-gateway.module';
import { LlmChatController } from './chat/llm-chat.controller';
import { LlmChatService } from './chat/llm-chat.service';
import { LlmConversationsRepository } from './chat/llm-conversations.repository';
import {
  LlmConversationEntity,
  LlmConversationMessageEntity,
} from './entities/llm-conversation.entity';
import { LlmKeyTestService } from './llm-key-test.service';
import { LlmKeysCoreModule } from './llm-keys-core.module';
import { LlmKeysController } from './llm-keys.controller';
import { LlmModelsController } from './models/llm-models.controller';
import { LlmModelsService } from './models/llm-models.service';
import { OpenAiCompatController } from './openai/openai-compat.controller';
import { OpenAiCompatService } from './openai/openai-compat.service';
import { OpenAiErrorFilter } from './openai/openai-error.filter';
import { LlmTemplatesModule } from './templates/templates.module';

/**
 * Users' provider keys (`/api/llm/keys`, with a test call), the chat proxy (`/api/llm/chat`)
 * and its conversations, the model list, the OpenAI-compatible API (`/v1`); every provider call goes through the LLM gateway.
 */
@Module({
  imports: [
    LlmKeysCoreModule,
    LlmGatewayModule,
    LlmTemplatesModule,
    TypeOrmModule.forFeature([LlmConversationEntity, LlmConversationMessageEntity]),
  ],
  controllers: [LlmKeysController, LlmChatController, LlmModelsController, OpenAiCompatController],
  providers: [
    LlmConversationsRepository,
    LlmChatService,
    LlmKeyTestService,
    LlmModelsService,
    OpenAiCompatService,
    OpenAiErrorFilter,
  ],
  exports: [LlmChatService, LlmKeyTestService],
})
export class LlmProvidersModule {}
