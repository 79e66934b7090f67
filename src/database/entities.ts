import { UserSessionEntity } from '../auth/entities/user-session.entity';
import { ChatMessageEntity } from '../chat/entities/chat-message.entity';
import { ChatSessionEntity } from '../chat/entities/chat-session.entity';
import { ChatSettingsEntity } from '../chat/entities/chat-settings.entity';
import { UserUsageStatEntity } from '../chat/entities/user-usage-stat.entity';
import { DevisLineEntity } from '../devis/entities/devis-line.entity';
import { DevisEntity } from '../devis/entities/devis.entity';
import { FeedbackEntity } from '../feedback/entities/feedback.entity';
import { GptAnalysisEntity } from '../gpt-analyses/entities/gpt-analysis.entity';
import { GptIdempotencyRecordEntity } from '../gpt-analyses/entities/gpt-idempotency-record.entity';
import { GptApiKeyEntity } from '../gpt-keys/entities/gpt-api-key.entity';
import { LlmApiKeyEntity } from '../llm-providers/entities/llm-api-key.entity';
import {
  LlmConversationEntity,
  LlmConversationMessageEntity,
} from '../llm-providers/entities/llm-conversation.entity';
import { LlmPromptTemplateEntity } from '../llm-providers/entities/llm-prompt-template.entity';
import { LlmUsageLogEntity } from '../llm-providers/entities/llm-usage-log.entity';
import { AssistantToolCallEntity } from '../mcp/entities/assistant-tool-call.entity';
import {
  OAuthClientViewEntity,
  OAuthGrantViewEntity,
} from '../oauth/entities/oauth-admin-views.entity';
import { TIMESHEET_ENTITIES } from '../timesheets/entities';
import { UserEntity } from '../users/entities/user.entity';

/** Every entity, listed explicitly (no globs: the same list works from src and dist). */
export const entities = [
  UserEntity,
  UserSessionEntity,
  GptApiKeyEntity,
  DevisEntity,
  DevisLineEntity,
  GptAnalysisEntity,
  GptIdempotencyRecordEntity,
  LlmApiKeyEntity,
  LlmUsageLogEntity,
  LlmConversationEntity,
  LlmConversationMessageEntity,
  LlmPromptTemplateEntity,
  ChatSessionEntity,
  ChatMessageEntity,
  UserUsageStatEntity,
  ChatSettingsEntity,
  FeedbackEntity,
  AssistantToolCallEntity,
  OAuthClientViewEntity,
  OAuthGrantViewEntity,
  ...TIMESHEET_ENTITIES,
];
