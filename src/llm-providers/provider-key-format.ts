import type { LlmProvider } from './entities/llm-api-key.entity';

/**
 * Plausible key shapes per provider (checked on create, so a key pasted into the wrong
 * provider is caught at once) and the scheme prefix shown to people.
 */
const FORMATS: Record<LlmProvider, { pattern: RegExp; scheme: RegExp; example: string }> = {
  openai: {
    pattern: /^sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}$/,
    scheme: /^sk-(proj-|svcacct-|admin-)?/,
    example: 'sk-proj-…',
  },
  anthropic: {
    pattern: /^sk-ant-[A-Za-z0-9_-]{20,200}$/,
    scheme: /^sk-ant-(api\d\d-)?/,
    example: 'sk-ant-…',
  },
  groq: { pattern: /^gsk_[A-Za-z0-9]{20,200}$/, scheme: /^gsk_/, example: 'gsk_…' },
  mistral: { pattern: /^[A-Za-z0-9]{24,64}$/, scheme: /^/, example: '32 letters and digits' },
};

export function isPlausibleKey(provider: LlmProvider, key: string): boolean {
  return FORMATS[provider].pattern.test(key);
}

export function keyFormatHint(provider: LlmProvider): string {
  return FORMATS[provider].example;
}

/** `sk-proj-ab12…`: the scheme plus 4 characters, enough to tell keys apart. */
export function visiblePrefix(provider: LlmProvider, key: string): string {
  const scheme = FORMATS[provider].scheme.exec(key)?.[0] ?? '';
  return `${key.slice(0, Math.min(scheme.length + 4, 20))}…`;
}
