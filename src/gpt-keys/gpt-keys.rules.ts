/**
 * GPT key limits, in one place: the DTOs, the service, the CLI (defaults and help) and the GPT_*
 * configuration read them from here. Constants only, no imports (config may import this leaf).
 */
export const GPT_KEY_RULES = {
  /** A key's name, in characters once cleaned (the column is varchar(100)). */
  name: { minLength: 1, maxLength: 100 },
  /** Requests per hour; `default` is GPT_DEFAULT_RATE_LIMIT's when unset. */
  rateLimitPerHour: { min: 1, max: 1_000_000, default: 100 },
  /** Seconds a rotated key keeps working: 0 (it stops at once) to 30 days. */
  graceSeconds: { min: 0, max: 30 * 86_400, default: 0 },
  /** GPT_* environment variables (gpt.config.ts). */
  env: {
    keyPrefix: { pattern: /^[a-z][a-z0-9_]{1,19}$/, default: 'torp_gpt_' },
    /** Bounded by the promise that a change is seen everywhere within 5 s. */
    keyCacheTtlMs: { min: 0, max: 5_000, default: 4_000 },
    usageFlushMs: { min: 100, max: 5_000, default: 2_000 },
  },
} as const;
