import { registerAs } from '@nestjs/config';
import { IsJSON, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { OptionalInt, validateEnv } from './validate-env';

const url = (name: string) =>
  IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: `${name} must be an http(s) URL` },
  );

class LlmEnv {
  @IsOptional()
  @url('OPENAI_BASE_URL')
  OPENAI_BASE_URL?: string;

  @IsOptional()
  @url('ANTHROPIC_BASE_URL')
  ANTHROPIC_BASE_URL?: string;

  @IsOptional()
  @url('MISTRAL_BASE_URL')
  MISTRAL_BASE_URL?: string;

  @IsOptional()
  @url('GROQ_BASE_URL')
  GROQ_BASE_URL?: string;

  @OptionalInt({ min: 1, max: 600_000 })
  LLM_TIMEOUT_MS?: number;

  @OptionalInt({ min: 0, max: 10 })
  LLM_MAX_RETRIES?: number;

  @OptionalInt({ min: 0, max: 10_000 })
  LLM_RETRY_BASE_DELAY_MS?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  LLM_DEFAULT_MODEL_MISTRAL?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  LLM_DEFAULT_MODEL_OPENAI?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  LLM_DEFAULT_MODEL_ANTHROPIC?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  LLM_DEFAULT_MODEL_GROQ?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  LLM_DEFAULT_MODEL_MOCK?: string;

  @IsOptional()
  @IsJSON({ message: 'LLM_PRICING_JSON must be a JSON object of { input, output } prices' })
  LLM_PRICING_JSON?: string;
}

type Provider = 'openai' | 'anthropic' | 'mistral' | 'groq';

export interface LlmConfig {
  /** Base URLs (with the version segment, e.g. `…/v1`, no trailing slash); unset = public. */
  baseUrls: Partial<Record<Provider, string>>;
  /** Non-streamed: the whole call; streamed: until the first token and between chunks. */
  timeoutMs: number;
  /** Retries of a 5xx or network error, with bounded exponential backoff. */
  maxRetries: number;
  retryBaseDelayMs: number;
  /** LLM_DEFAULT_MODEL_<PROVIDER>: replaces that provider's default model (mock included). */
  defaultModelOverrides: Partial<Record<Provider | 'mock', string>>;
  /** LLM_PRICING_JSON: extra or corrected prices, checked by the pricing table at boot. */
  pricingJson?: string;
}

const trimUrl = (value: string | undefined) => value?.trim().replace(/\/+$/, '') || undefined;
const trimmed = (value: string | undefined) => value?.trim() || undefined;
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Provider base URLs, timeouts, retries, default model overrides and price overrides: read from
 * the server's environment only, never from a request, validated at boot like every namespace.
 */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LlmConfig {
  const e = validateEnv(LlmEnv, env);
  return {
    baseUrls: defined({
      openai: trimUrl(e.OPENAI_BASE_URL),
      anthropic: trimUrl(e.ANTHROPIC_BASE_URL),
      mistral: trimUrl(e.MISTRAL_BASE_URL),
      groq: trimUrl(e.GROQ_BASE_URL),
    }),
    timeoutMs: e.LLM_TIMEOUT_MS ?? 60_000,
    maxRetries: e.LLM_MAX_RETRIES ?? 2,
    retryBaseDelayMs: e.LLM_RETRY_BASE_DELAY_MS ?? 250,
    defaultModelOverrides: defined({
      mistral: trimmed(e.LLM_DEFAULT_MODEL_MISTRAL),
      openai: trimmed(e.LLM_DEFAULT_MODEL_OPENAI),
      anthropic: trimmed(e.LLM_DEFAULT_MODEL_ANTHROPIC),
      groq: trimmed(e.LLM_DEFAULT_MODEL_GROQ),
      mock: trimmed(e.LLM_DEFAULT_MODEL_MOCK),
    }),
    pricingJson: e.LLM_PRICING_JSON,
  };
}

export const llmConfig = registerAs('llm', (): LlmConfig => llmConfigFromEnv());
