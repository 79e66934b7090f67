/**
 * Feedback limits, in one place: DTOs, the service and the FEEDBACK_* configuration read them
 * from here. Constants only, no imports (config may import this leaf).
 */
export const FEEDBACK_RULES = {
  /** Longest message kept, in characters (code points) once markup and controls are removed. */
  messageMaxLength: 4_000,
  pageMaxLength: 500,
  emailMaxLength: 254,
  rating: { min: 1, max: 5 },
  /** Staff list paging. */
  list: { maxPage: 100_000, pageSize: { max: 100, default: 20 } },
  /** FEEDBACK_* environment variables (feedback.config.ts). */
  env: {
    maxPerIpPerHour: { min: 1, max: 10_000, default: 20 },
    webhookMaxAttempts: { min: 1, max: 20, default: 5 },
    webhookRetryMs: { min: 10, max: 600_000, default: 2_000 },
  },
} as const;
