/**
 * The support chat's limits, in one place: DTOs, services and the CHAT_* configuration read
 * them from here. Constants only, no imports (config may import this leaf).
 */
export const CHAT_RULES = {
  /** A visitor's or staff member's message, in characters (code points) once cleaned. */
  messageMaxLength: 4_000,
  /** A visitor's satisfaction rating of a resolved conversation, and its optional comment. */
  rating: { min: 1, max: 5, commentMaxLength: 1_000 },
  /** The dashboard's satisfaction figure: ISO weeks, the current one included. */
  ratingWeeks: 8,
  /** History and SSE catch-up answer at most this many messages per round. */
  historyPage: 200,
  /** Messages returned with one session to staff (the newest; older stay in history). */
  staffDetailMessages: 1_000,
  /** Staff session list: page size. */
  sessionList: { max: 200, default: 50 },
  /** The highest sequence a cursor (`after`) may name: PostgreSQL's int4. */
  maxSequence: 2_147_483_647,
  settings: {
    modelMaxLength: 100,
    systemPromptMaxLength: 8_000,
    welcomeMessageMaxLength: 2_000,
    handoffKeywords: { maxCount: 50, minLength: 2, maxLength: 60 },
  },
  /** CHAT_* environment variables (chat.config.ts). */
  env: {
    messageLimit: { min: 1, max: 1_000_000, default: 10 },
    readLimit: { min: 1, max: 1_000_000, default: 100 },
    createSessionLimit: { min: 1, max: 1_000_000, default: 20 },
    rateWindowMs: { min: 1_000, max: 3_600_000, default: 60_000 },
    sseHeartbeatMs: { min: 100, max: 120_000, default: 15_000 },
    contextMessages: { min: 0, max: 100, default: 20 },
    supportWebhookMaxAttempts: { min: 1, max: 20, default: 5 },
    supportWebhookRetryMs: { min: 10, max: 600_000, default: 2_000 },
  },
} as const;
