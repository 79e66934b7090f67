import { calcPrice } from '@pydantic/genai-prices';
import { LLM_PROVIDERS } from '../entities/llm-api-key.entity';

/**
 * What LLM calls cost, from two sources:
 *
 * 1. `LLM_PRICING_JSON` overrides (corrections, private or fine-tuned models), US dollars per
 *    million tokens, keyed by model (any provider) or `provider:model`;
 * 2. the prices dataset `@pydantic/genai-prices` ships (bundled data, read offline: it is
 *    never refreshed over the network), which matches each provider's dated and aliased ids
 *    (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4-20250514`) and keeps price history.
 *
 * Unknown price = `null`, never 0: the log is flagged unpriced and a key with a budget refuses
 * the model. Why this dataset and not models.dev: docs/LLM_PRICING.md.
 */

/** US dollars per million tokens, which is exactly micro-dollars per token. */
export interface ModelPrice {
  input: number;
  output: number;
}

export type PriceSource = 'override' | 'dataset' | 'free';

export interface CallCost {
  /** Micro-dollars, rounded to an integer; null when the model's price is unknown. */
  microUsd: number | null;
  /** Where the price came from; `free` for the mock provider; null when unknown. */
  source: PriceSource | null;
}

/** The pricing table's injection token (built from the `llm` config at boot). */
export const LLM_PRICING = Symbol('LLM_PRICING');

/** The mock provider answers locally: its calls cost nothing and are never unpriced. */
const FREE_PROVIDERS: ReadonlySet<string> = new Set(['mock']);
const PRICED_PROVIDERS: ReadonlySet<string> = new Set(LLM_PROVIDERS);

/**
 * The date suffixes providers add to the model they answer with: OpenAI `-2024-07-18`,
 * Anthropic `-20250514`, Mistral `-2508` (year and month). An override for `gpt-4o-mini` also
 * prices `gpt-4o-mini-2024-07-18`, since the answer's model is what a call is costed with.
 */
const DATE_SUFFIX = /-(?:20\d{2}-\d{2}-\d{2}|20\d{6}|2\d(?:0[1-9]|1[0-2]))$/;

const normalise = (model: string) => model.trim().toLowerCase();

export class LlmPricing {
  private readonly overrides: ReadonlyMap<string, ModelPrice>;

  /** `overrides`: `model` or `provider:model` → price (see {@link LlmPricing.fromJson}). */
  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}) {
    this.overrides = new Map(Object.entries(overrides).map(([k, v]) => [normalise(k), v]));
  }

  /**
   * What a call costs, in micro-dollars, at the price in force at `at` (the dataset keeps
   * history; overrides hold at every date). Null `microUsd` = the price is unknown.
   */
  cost(
    provider: string,
    model: string,
    promptTokens: number,
    completionTokens: number,
    at: Date = new Date(),
  ): CallCost {
    if (FREE_PROVIDERS.has(provider)) return { microUsd: 0, source: 'free' };
    const override = this.override(provider, model);
    if (override) {
      return {
        microUsd: Math.round(promptTokens * override.input + completionTokens * override.output),
        source: 'override',
      };
    }
    const usd = this.dataset(provider, model, promptTokens, completionTokens, at);
    if (usd === null) return { microUsd: null, source: null };
    return { microUsd: Math.round(usd * 1e6), source: 'dataset' };
  }

  /** Whether calls to this model can be costed (mock: always; they are free). */
  isPriced(provider: string, model: string): boolean {
    return this.cost(provider, model, 1, 1).source !== null;
  }

  private override(provider: string, model: string): ModelPrice | undefined {
    const id = normalise(model);
    const undated = id.replace(DATE_SUFFIX, '');
    for (const candidate of undated === id ? [id] : [id, undated]) {
      const price = this.overrides.get(`${provider}:${candidate}`) ?? this.overrides.get(candidate);
      if (price) return price;
    }
    return undefined;
  }

  /** US dollars from the bundled dataset, or null when it does not know the model. */
  private dataset(
    provider: string,
    model: string,
    promptTokens: number,
    completionTokens: number,
    at: Date,
  ): number | null {
    if (!PRICED_PROVIDERS.has(provider)) return null;
    try {
      const price = calcPrice(
        { input_tokens: promptTokens, output_tokens: completionTokens },
        model,
        { providerId: provider, timestamp: at },
      );
      return price ? price.total_price : null;
    } catch {
      // Usage the dataset refuses (it validates its input): unknown rather than a failed call.
      return null;
    }
  }

  /**
   * The table for `LLM_PRICING_JSON`: `{"<model>": {"input": 0.15, "output": 0.6}, …}` in US
   * dollars per million tokens. A key `provider:model` (e.g. `groq:openai/gpt-oss-120b`) applies
   * to that provider only and wins over a bare `model` key, which applies to every provider.
   * Refused at boot, with the variable's name: anything but such an object of prices.
   */
  static fromJson(json: string | undefined): LlmPricing {
    if (!json?.trim()) return new LlmPricing();
    const invalid = (why: string) => new Error(`Invalid configuration: LLM_PRICING_JSON (${why})`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw invalid('not JSON');
    }
    if (!isObject(parsed)) throw invalid('must be an object of model → { input, output }');
    const overrides: Record<string, ModelPrice> = {};
    for (const [key, p] of Object.entries(parsed)) {
      if (!key.trim()) throw invalid('empty model name');
      const scope = key.includes(':') ? key.slice(0, key.indexOf(':')) : undefined;
      if (scope !== undefined && FREE_PROVIDERS.has(scope)) {
        throw invalid(`${key}: mock calls are free, they take no price`);
      }
      if (
        !isObject(p) ||
        Object.keys(p).some((k) => k !== 'input' && k !== 'output') ||
        !isPrice(p.input) ||
        !isPrice(p.output)
      ) {
        throw invalid(
          `bad price for ${key}: want {"input": n, "output": n}, US dollars per million tokens, n ≥ 0`,
        );
      }
      overrides[key] = { input: p.input, output: p.output };
    }
    return new LlmPricing(overrides);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
