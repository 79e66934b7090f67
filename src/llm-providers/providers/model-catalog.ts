import type { ChatProvider } from './llm-providers.settings';

export interface ProviderModels {
  /** What a call without `model` uses (LLM_DEFAULT_MODEL_<PROVIDER> replaces it). */
  default: string;
  /** Models offered by default in `GET /api/llm/models` and `/v1/models`; others still pass. */
  models: readonly string[];
  /**
   * Names accepted and sent as their target: 2024 names (the first seed's defaults) that the
   * providers have retired or replaced, so an old client or setting keeps working.
   */
  aliases: Readonly<Record<string, string>>;
}

/**
 * Each provider's current models, chosen from its documentation (December 2026): one table for
 * the defaults, the model list and the aliases. A name that is neither listed nor an alias is
 * sent to the provider as given: providers add models faster than this table changes.
 */
export const MODEL_CATALOG: Readonly<Record<ChatProvider, ProviderModels>> = {
  openai: {
    default: 'gpt-5-mini',
    models: ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4o-mini'],
    aliases: {
      'gpt-4-turbo-preview': 'gpt-5-mini',
      'gpt-4-turbo': 'gpt-5-mini',
      'gpt-3.5-turbo': 'gpt-5-nano',
    },
  },
  anthropic: {
    default: 'claude-sonnet-4-5',
    models: ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'],
    aliases: {
      'claude-3-sonnet-20240229': 'claude-sonnet-4-5',
      'claude-3-opus-20240229': 'claude-opus-4-5',
      'claude-3-5-sonnet-20240620': 'claude-sonnet-4-5',
      'claude-3-haiku-20240307': 'claude-haiku-4-5',
    },
  },
  mistral: {
    default: 'mistral-medium-latest',
    models: ['mistral-large-latest', 'mistral-medium-latest', 'mistral-small-latest'],
    aliases: { 'open-mistral-7b': 'mistral-small-latest' },
  },
  groq: {
    default: 'llama-3.3-70b-versatile',
    models: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-120b'],
    aliases: {
      'llama-3.1-70b-versatile': 'llama-3.3-70b-versatile',
      'mixtral-8x7b-32768': 'llama-3.3-70b-versatile',
    },
  },
  mock: { default: 'mock-echo-1', models: ['mock-echo-1', 'mock-support-1'], aliases: {} },
};

/** The model a call sends: the provider's default when none is named, an alias's target. */
export function resolveModel(
  provider: ChatProvider,
  model: string | undefined,
  defaults: Readonly<Record<ChatProvider, string>>,
): string {
  const name = model?.trim() || defaults[provider];
  return MODEL_CATALOG[provider].aliases[name] ?? name;
}
