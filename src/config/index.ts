import { adminConfig } from './admin.config';
import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { chatConfig } from './chat.config';
import { databaseConfig } from './database.config';
import { feedbackConfig } from './feedback.config';
import { gptConfig } from './gpt.config';
import { llmConfig } from './llm.config';
import { mcpConfig } from './mcp.config';
import { oauthConfig } from './oauth.config';
import { observabilityConfig } from './observability.config';
import { publishingConfig } from './publishing.config';
import { redisConfig } from './redis.config';
import { securityConfig } from './security.config';

export {
  adminConfig,
  appConfig,
  authConfig,
  chatConfig,
  databaseConfig,
  feedbackConfig,
  gptConfig,
  llmConfig,
  mcpConfig,
  oauthConfig,
  observabilityConfig,
  publishingConfig,
  redisConfig,
  securityConfig,
};
export type { AdminConfig } from './admin.config';
export type { AppConfig } from './app.config';
export type { AuthConfig } from './auth.config';
export type { ChatConfig } from './chat.config';
export type { DatabaseConfig } from './database.config';
export type { FeedbackConfig } from './feedback.config';
export type { GptConfig } from './gpt.config';
export type { LlmConfig } from './llm.config';
export type { McpConfig } from './mcp.config';
export type { OAuthConfig } from './oauth.config';
export type { ObservabilityConfig } from './observability.config';
export type { PublishingConfig } from './publishing.config';
export type { RedisConfig } from './redis.config';
export type { SecurityConfig } from './security.config';

export const allConfigs = [
  appConfig,
  databaseConfig,
  redisConfig,
  gptConfig,
  authConfig,
  securityConfig,
  publishingConfig,
  llmConfig,
  chatConfig,
  adminConfig,
  feedbackConfig,
  observabilityConfig,
  mcpConfig,
  oauthConfig,
];
