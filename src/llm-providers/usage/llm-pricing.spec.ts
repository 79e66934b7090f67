import { LlmPricing } from './llm-pricing';

/**
 * Prices of the bundled @pydantic/genai-prices dataset (package-lock pins it): upgrading the
 * dataset may move a figure below, which is the point of reading it.
 */
describe(LlmPricing.name, () => {
  // Offline by construction: the dataset is bundled and never refreshed at run time.
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network'));
  afterAll(() => {
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  const sut = new LlmPricing();
  /** 1,000 prompt + 500 completion tokens. */
  const cost = (provider: string, model: string, at?: Date) =>
    sut.cost(provider, model, 1_000, 500, at);

  it('prices the dated id OpenAI answers with like its alias, in integer micro-dollars', () => {
    // $0.15 / $0.60 per million tokens: 150 + 300 µ$.
    expect(cost('openai', 'gpt-4o-mini-2024-07-18')).toEqual({ microUsd: 450, source: 'dataset' });
    expect(cost('openai', 'gpt-4o-mini')).toEqual({ microUsd: 450, source: 'dataset' });
    // 100 × 0.15 + 75 × 0.6 = 60 µ$: a 175-token call is never 0.
    expect(sut.cost('openai', 'gpt-4o-mini', 100, 75).microUsd).toBe(60);
  });

  it.each([
    ['openai', 'gpt-4.1-mini', 1_200],
    ['openai', 'gpt-4.1-mini-2025-04-14', 1_200],
    ['openai', 'gpt-5-mini', 1_250],
    ['openai', 'gpt-5-mini-2025-08-07', 1_250],
    ['anthropic', 'claude-sonnet-4-5', 10_500],
    ['anthropic', 'claude-sonnet-4-5-20250929', 10_500],
    ['anthropic', 'claude-sonnet-4-20250514', 10_500],
    ['anthropic', 'claude-haiku-4-5', 3_500],
    ['mistral', 'mistral-small-latest', 250],
    ['groq', 'llama-3.3-70b-versatile', 985],
    ['groq', 'openai/gpt-oss-120b', 450],
  ])('prices current models: %s %s', (provider, model, microUsd) => {
    expect(cost(provider, model)).toEqual({ microUsd, source: 'dataset' });
    expect(sut.isPriced(provider, model)).toBe(true);
  });

  it('uses the price in force on the call’s date (mistral-medium-latest moved on 2026-06-16)', () => {
    expect(cost('mistral', 'mistral-medium-latest', new Date('2026-06-15T23:59:59Z'))).toEqual({
      microUsd: 1_400, // $0.40 / $2
      source: 'dataset',
    });
    expect(cost('mistral', 'mistral-medium-latest', new Date('2026-06-16T00:00:00Z'))).toEqual({
      microUsd: 5_250, // $1.50 / $7.50
      source: 'dataset',
    });
  });

  it('applies the dataset’s tiers (Claude Sonnet 4.5 doubles its input price past 200K tokens)', () => {
    expect(sut.cost('anthropic', 'claude-sonnet-4-5', 300_000, 0).microUsd).toBe(1_800_000);
  });

  it('says null, never 0, for a model or provider it does not know', () => {
    expect(cost('openai', 'gpt-nobody-knows-2031')).toEqual({ microUsd: null, source: null });
    expect(sut.isPriced('openai', 'gpt-nobody-knows-2031')).toBe(false);
    // Prices belong to a provider: an OpenAI model asked of Groq is not priced as OpenAI's.
    expect(cost('groq', 'gpt-4o-mini').microUsd).toBeNull();
    expect(cost('azure', 'gpt-4o-mini').microUsd).toBeNull();
  });

  it('counts mock calls as free, not as unpriced', () => {
    expect(cost('mock', 'mock-echo-1')).toEqual({ microUsd: 0, source: 'free' });
    expect(sut.isPriced('mock', 'anything')).toBe(true);
  });

  describe('LLM_PRICING_JSON overrides', () => {
    const custom = LlmPricing.fromJson(
      JSON.stringify({
        'gpt-4o-mini': { input: 1, output: 2 },
        'my-private-model': { input: 0.5, output: 0.5 },
        'groq:openai/gpt-oss-120b': { input: 0, output: 0 },
        'ft:gpt-4o-mini-2024-07-18:acme::a1b2': { input: 0.3, output: 1.2 },
        'Mistral:Claude-Sonnet-4-5': { input: 9, output: 9 },
      }),
    );

    it('win over the dataset, dated ids included, at every date', () => {
      expect(custom.cost('openai', 'gpt-4o-mini', 1_000, 500)).toEqual({
        microUsd: 2_000,
        source: 'override',
      });
      expect(
        custom.cost('openai', 'gpt-4o-mini-2024-07-18', 1_000, 500, new Date('2024-08-01')),
      ).toEqual({ microUsd: 2_000, source: 'override' });
      // A free model is priced (0), not unpriced.
      expect(custom.cost('groq', 'openai/gpt-oss-120b', 1_000, 500)).toEqual({
        microUsd: 0,
        source: 'override',
      });
    });

    it('price private and fine-tuned models; provider:model keys stay with their provider', () => {
      expect(custom.cost('openai', 'my-private-model', 2_000, 2_000).microUsd).toBe(2_000);
      expect(custom.isPriced('anthropic', 'my-private-model')).toBe(true);
      expect(custom.cost('openai', 'ft:gpt-4o-mini-2024-07-18:acme::a1b2', 1_000, 0)).toEqual({
        microUsd: 300,
        source: 'override',
      });
      expect(custom.cost('openai', 'openai/gpt-oss-120b', 1, 1).source).toBeNull();
      // Case-insensitive, like the dataset's matching; the scoped key does not leak.
      expect(custom.cost('mistral', 'claude-sonnet-4-5', 1, 1).microUsd).toBe(18);
      expect(custom.cost('anthropic', 'claude-sonnet-4-5', 1_000, 500).source).toBe('dataset');
    });

    it.each([
      ['{"x":{"input":-1,"output":2}}', /bad price for x/],
      ['{"x":{"input":1}}', /bad price for x/],
      ['{"x":{"input":"1","output":2}}', /bad price for x/],
      ['{"x":{"input":1,"output":2,"cached":1}}', /bad price for x/],
      ['{"x":[1,2]}', /bad price for x/],
      ['[{"input":1,"output":2}]', /must be an object/],
      ['{"":{"input":1,"output":2}}', /empty model name/],
      ['{"mock:m":{"input":1,"output":2}}', /mock calls are free/],
      ['{nope', /not JSON/],
    ])('refuses %s at boot, naming the variable', (json, why) => {
      expect(() => LlmPricing.fromJson(json)).toThrow(/^Invalid configuration: LLM_PRICING_JSON/);
      expect(() => LlmPricing.fromJson(json)).toThrow(why);
    });

    it('an empty variable is no override', () => {
      expect(LlmPricing.fromJson('').cost('openai', 'gpt-4o-mini', 1_000, 500).source).toBe(
        'dataset',
      );
      expect(LlmPricing.fromJson(undefined).isPriced('openai', 'my-private-model')).toBe(false);
    });
  });
});
