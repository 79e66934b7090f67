import type { LlmProvider } from '../entities/llm-api-key.entity';

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

const DEFAULT_MODELS: Record<ChatProvider, string> = {
  mistral: 'mistral-large-latest',
  openai: 'gpt-4-turbo-preview',
  anthropic: 'claude-3-sonnet-20240229',
  groq: 'llama-3.1-70b-versatile',
  mock: 'mock-echo-1',
};

/**
 * Read from the environment only (never from a request), checked once at boot through
 * `llmConfig` (src/config/llm.config.ts).
 */
export function llmProvidersSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): LlmProvidersSettings {
  const baseUrls: Partial<Record<LlmProvider, string>> = {};
  for (const p of ['openai', 'anthropic', 'mistral', 'groq'] as const) {
    const name = `${p.toUpperCase()}_BASE_URL`;
    const value = env[name]?.trim();
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`Invalid configuration: ${name} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`Invalid configuration: ${name} must be an http(s) URL`);
    }
    baseUrls[p] = value.replace(/\/+$/, '');
  }
  const defaultModels = { ...DEFAULT_MODELS };
  for (const p of CHAT_PROVIDERS) {
    const model = env[`LLM_DEFAULT_MODEL_${p.toUpperCase()}`]?.trim();
    if (model) defaultModels[p] = model;
  }
  return {
    baseUrls,
    timeoutMs: int(env, 'LLM_TIMEOUT_MS', 60_000, 1, 600_000),
    maxRetries: int(env, 'LLM_MAX_RETRIES', 2, 0, 10),
    retryBaseDelayMs: int(env, 'LLM_RETRY_BASE_DELAY_MS', 250, 0, 10_000),
    defaultModels,
  };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`Invalid configuration: ${name} must be an integer in [${min}, ${max}]`);
  }
  return n;
}
