import { llmProvidersSettingsFromEnv } from './llm-providers.settings';

describe(llmProvidersSettingsFromEnv.name, () => {
  it('has defaults: 60 s timeout, 2 retries, the documented default models, public URLs', () => {
    const sut = llmProvidersSettingsFromEnv({});
    expect(sut).toMatchObject({ timeoutMs: 60_000, maxRetries: 2, baseUrls: {} });
    expect(sut.defaultModels).toMatchObject({
      mistral: 'mistral-medium-latest',
      openai: 'gpt-5-mini',
      anthropic: 'claude-sonnet-4-5',
      groq: 'llama-3.3-70b-versatile',
    });
  });

  it('reads base URLs (trailing slash dropped) and model overrides', () => {
    const sut = llmProvidersSettingsFromEnv({
      GROQ_BASE_URL: 'http://127.0.0.1:9/openai/v1/',
      LLM_DEFAULT_MODEL_OPENAI: 'gpt-4o-mini',
    });
    expect(sut.baseUrls).toEqual({ groq: 'http://127.0.0.1:9/openai/v1' });
    expect(sut.defaultModels.openai).toBe('gpt-4o-mini');
  });

  it('refuses bad values with the variable’s name', () => {
    expect(() => llmProvidersSettingsFromEnv({ OPENAI_BASE_URL: 'ftp://x' })).toThrow(
      /OPENAI_BASE_URL/,
    );
    expect(() => llmProvidersSettingsFromEnv({ LLM_TIMEOUT_MS: '0' })).toThrow(/LLM_TIMEOUT_MS/);
    expect(() => llmProvidersSettingsFromEnv({ LLM_MAX_RETRIES: 'two' })).toThrow(
      /LLM_MAX_RETRIES/,
    );
  });
});
