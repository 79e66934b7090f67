import { llmConfigFromEnv, type LlmConfig } from '../../config/llm.config';
import type { LlmProvider } from '../entities/llm-api-key.entity';
import { MODEL_CATALOG } from './model-catalog';

/** Every provider the chat proxy knows: the real ones, and `mock` (no network, no key). */
export const CHAT_PROVIDERS = ['mistral', 'openai', 'anthropic', 'groq', 'mock'] as const;
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];

export interface LlmProvidersSettings {
  /** Base URLs (with the version segment, e.g. `…/v1`); undefined = the SDK's public default. */
  baseUrls: Partial<Record<LlmProvider, string>>;
  /** Non-streamed: the whole call; streamed: until the first token and between chunks. */
  timeoutMs: number;
  /** Retries of a 5xx or network error, with bounded exponential backoff. */
  maxRetries: number;
  retryBaseDelayMs: number;
  defaultModels: Record<ChatProvider, string>;
}

export const LLM_PROVIDERS_SETTINGS = Symbol('LLM_PROVIDERS_SETTINGS');

/**
 * The providers' settings: the validated `llm` config namespace (src/config/llm.config.ts)
 * with each provider's default model (model-catalog.ts) filled in.
 */
export function llmProvidersSettings(config: LlmConfig): LlmProvidersSettings {
  return {
    baseUrls: config.baseUrls,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    retryBaseDelayMs: config.retryBaseDelayMs,
    defaultModels: {
      ...(Object.fromEntries(CHAT_PROVIDERS.map((p) => [p, MODEL_CATALOG[p].default])) as Record<
        ChatProvider,
        string
      >),
      ...config.defaultModelOverrides,
    },
  };
}

/** The same from an environment, validated as at boot (unit tests). */
export const llmProvidersSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env) =>
  llmProvidersSettings(llmConfigFromEnv(env));
