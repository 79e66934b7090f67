import { LlmPricing } from './llm-pricing';

describe(LlmPricing.name, () => {
  const sut = new LlmPricing();

  it('prices in micro-dollars: a 175-token call is not 0', () => {
    // 100 × $10/M + 75 × $30/M = $0.00325
    expect(sut.cost('gpt-4-turbo-preview', 100, 75)).toEqual({ microUsd: 3_250, known: true });
    expect(sut.cost('llama-3.1-8b-instant', 100, 75).microUsd).toBe(11);
  });

  it('reports unknown models instead of guessing', () => {
    expect(sut.cost('some-new-model', 10, 10)).toEqual({ microUsd: 0, known: false });
  });

  it('takes overrides from LLM_PRICING_JSON and refuses bad ones', () => {
    const custom = LlmPricing.fromJson('{"my-model":{"input":1,"output":2}}');
    expect(custom.cost('my-model', 1_000, 1_000).microUsd).toBe(3_000);
    expect(() => LlmPricing.fromJson('{"x":{"input":-1,"output":2}}')).toThrow(/LLM_PRICING_JSON/);
  });
});
