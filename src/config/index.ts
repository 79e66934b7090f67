import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { databaseConfig } from './database.config';
import { gptConfig } from './gpt.config';
import { llmConfig } from './llm.config';
import { publishingConfig } from './publishing.config';
import { redisConfig } from './redis.config';
import { securityConfig } from './security.config';

export {
  appConfig,
  authConfig,
  databaseConfig,
  gptConfig,
  llmConfig,
  publishingConfig,
  redisConfig,
  securityConfig,
};
export type { AppConfig } from './app.config';
export type { AuthConfig } from './auth.config';
export type { DatabaseConfig } from './database.config';
export type { GptConfig } from './gpt.config';
export type { LlmConfig } from './llm.config';
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
];
