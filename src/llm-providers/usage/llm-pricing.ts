/**
 * Prices in US dollars per million tokens (input, output): the providers' 2024 list prices.
 * A price per million tokens in dollars is exactly a price per token in micro-dollars, which
 * is how costs are stored (llm_usage_logs.cost_micro_usd), so a 175-token call is never 0.
 * Override or extend with LLM_PRICING_JSON, e.g. {"gpt-4o-mini":{"input":0.15,"output":0.6}}.
 */
export interface ModelPrice {
  input: number;
  output: number;
}

export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  // OpenAI
  'gpt-4-turbo-preview': { input: 10, output: 30 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4o': { input: 5, output: 15 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  // Anthropic
  'claude-3-opus-20240229': { input: 15, output: 75 },
  'claude-3-sonnet-20240229': { input: 3, output: 15 },
  'claude-3-5-sonnet-20240620': { input: 3, output: 15 },
  'claude-3-haiku-20240307': { input: 0.25, output: 1.25 },
  // Mistral
  'mistral-large-latest': { input: 4, output: 12 },
  'mistral-small-latest': { input: 1, output: 3 },
  'open-mistral-7b': { input: 0.25, output: 0.25 },
  // Groq
  'llama-3.1-70b-versatile': { input: 0.59, output: 0.79 },
  'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'mixtral-8x7b-32768': { input: 0.24, output: 0.24 },
};

/** The pricing table's injection token (built from the `llm` config at boot). */
export const LLM_PRICING = Symbol('LLM_PRICING');

export class LlmPricing {
  constructor(private readonly prices: Record<string, ModelPrice> = DEFAULT_PRICES) {}

  /** Micro-dollars for a call; unknown models cost 0 and say so (`known: false`). */
  cost(
    model: string,
    promptTokens: number,
    completionTokens: number,
  ): { microUsd: number; known: boolean } {
    const price = this.prices[model];
    if (!price) return { microUsd: 0, known: false };
    return {
      microUsd: Math.round(promptTokens * price.input + completionTokens * price.output),
      known: true,
    };
  }

  static fromJson(json: string | undefined): LlmPricing {
    if (!json) return new LlmPricing();
    const extra = JSON.parse(json) as Record<string, ModelPrice>;
    for (const [model, p] of Object.entries(extra)) {
      if (!(
        p &&
        typeof p.input === 'number' &&
        typeof p.output === 'number' &&
        p.input >= 0 &&
        p.output >= 0
      )) {
        throw new Error(`Invalid configuration: LLM_PRICING_JSON (bad price for ${model})`);
      }
    }
    return new LlmPricing({ ...DEFAULT_PRICES, ...extra });
  }
}
