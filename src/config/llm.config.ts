import { registerAs } from '@nestjs/config';
import {
  llmProvidersSettingsFromEnv,
  type LlmProvidersSettings,
} from '../llm-providers/providers/llm-providers.settings';
import { LlmPricing } from '../llm-providers/usage/llm-pricing';

export interface LlmConfig extends LlmProvidersSettings {
  /** Prices per model (defaults: 2024 list prices), LLM_PRICING_JSON overrides. */
  pricing: LlmPricing;
}

/**
 * Provider base URLs (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, MISTRAL_BASE_URL, GROQ_BASE_URL),
 * LLM_TIMEOUT_MS, LLM_MAX_RETRIES, LLM_RETRY_BASE_DELAY_MS, LLM_DEFAULT_MODEL_<PROVIDER> and
 * LLM_PRICING_JSON: read from the server's environment only, never from a request, and
 * validated at boot (a bad value stops boot with its name).
 */
export const llmConfig = registerAs('llm', (): LlmConfig => ({
  ...llmProvidersSettingsFromEnv(),
  pricing: LlmPricing.fromJson(process.env.LLM_PRICING_JSON),
}));
