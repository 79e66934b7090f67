import { registerAs } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { GPT_KEY_RULES } from '../gpt-keys/gpt-keys.rules';
import { OptionalInt, validateEnv } from './validate-env';

const { env, rateLimitPerHour } = GPT_KEY_RULES;

class GptEnv {
  @IsOptional()
  @Matches(env.keyPrefix.pattern, {
    message: 'GPT_KEY_PREFIX must be 2-20 characters of a-z, 0-9 and _, starting with a letter',
  })
  GPT_KEY_PREFIX?: string;

  @OptionalInt(rateLimitPerHour)
  GPT_DEFAULT_RATE_LIMIT?: number;

  @OptionalInt(env.keyCacheTtlMs)
  GPT_KEY_CACHE_TTL_MS?: number;

  @OptionalInt(env.usageFlushMs)
  GPT_USAGE_FLUSH_MS?: number;
}

export interface GptConfig {
  keyPrefix: string;
  defaultRateLimit: number;
  /** How long a validated key is served from memory; bounded by the 5 s propagation promise. */
  keyCacheTtlMs: number;
  /** How often batched usage counts are written. */
  usageFlushMs: number;
}

export const gptConfig = registerAs('gpt', (): GptConfig => {
  const v = validateEnv(GptEnv);
  return {
    keyPrefix: v.GPT_KEY_PREFIX ?? env.keyPrefix.default,
    defaultRateLimit: v.GPT_DEFAULT_RATE_LIMIT ?? rateLimitPerHour.default,
    keyCacheTtlMs: v.GPT_KEY_CACHE_TTL_MS ?? env.keyCacheTtlMs.default,
    usageFlushMs: v.GPT_USAGE_FLUSH_MS ?? env.usageFlushMs.default,
  };
});
