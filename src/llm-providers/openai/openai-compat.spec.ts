import { DomainException } from '../../common/errors/domain.exception';
import { contentText } from './chat-content.validator';
import { parseModel } from './openai-compat.service';
import { openAiErrorType } from './openai-error.filter';

describe('OpenAI-compatible API helpers', () => {
  it('routes `provider/model` names, and `provider` alone to its default', () => {
    expect(parseModel('mistral/mistral-small-latest')).toEqual({
      provider: 'mistral',
      model: 'mistral-small-latest',
    });
    // Groq's own ids contain a slash: only the first one separates the provider.
    expect(parseModel('groq/openai/gpt-oss-120b')).toEqual({
      provider: 'groq',
      model: 'openai/gpt-oss-120b',
    });
    expect(parseModel('anthropic')).toEqual({ provider: 'anthropic', model: undefined });
    expect(() => parseModel('gpt-5-mini')).toThrow(DomainException);
  });

  it('reads text content and text parts, and nothing else', () => {
    expect(contentText('Bonjour')).toBe('Bonjour');
    expect(
      contentText([
        { type: 'text', text: 'Bon' },
        { type: 'text', text: 'jour' },
      ]),
    ).toBe('Bonjour');
    expect(contentText([{ type: 'image_url', image_url: { url: 'http://x' } }])).toBeNull();
    expect(contentText([])).toBeNull();
    expect(contentText(42)).toBeNull();
  });

  it('maps statuses to the error types OpenAI SDKs know', () => {
    expect([400, 401, 402, 403, 404, 429, 502].map(openAiErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'insufficient_quota',
      'permission_error',
      'not_found_error',
      'rate_limit_error',
      'api_error',
    ]);
  });
});
