import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class GptEnv {
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{1,19}$/, {
    message: 'GPT_KEY_PREFIX must be 2-20 characters of a-z, 0-9 and _, starting with a letter',
  })
  GPT_KEY_PREFIX?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GPT_DEFAULT_RATE_LIMIT?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5_000)
  GPT_KEY_CACHE_TTL_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(5_000)
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
    keyPrefix: v.GPT_KEY_PREFIX ?? 'torp_gpt_',
    defaultRateLimit: v.GPT_DEFAULT_RATE_LIMIT ?? 100,
    keyCacheTtlMs: v.GPT_KEY_CACHE_TTL_MS ?? 4_000,
    usageFlushMs: v.GPT_USAGE_FLUSH_MS ?? 2_000,
  };
});
