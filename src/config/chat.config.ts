import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsUrl } from 'class-validator';
import { CHAT_RULES } from '../chat/chat.rules';
import { OptionalInt, validateEnv } from './validate-env';

const E = CHAT_RULES.env;

class ChatEnv {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'CHAT_MOCK_MODE must be true or false' })
  CHAT_MOCK_MODE?: string;

  @OptionalInt(E.messageLimit)
  CHAT_MESSAGE_LIMIT?: number;

  @OptionalInt(E.readLimit)
  CHAT_READ_LIMIT?: number;

  @OptionalInt(E.createSessionLimit)
  CHAT_CREATE_SESSION_LIMIT?: number;

  @OptionalInt(E.rateWindowMs)
  CHAT_RATE_WINDOW_MS?: number;

  @OptionalInt(E.sseHeartbeatMs)
  CHAT_SSE_HEARTBEAT_MS?: number;

  @OptionalInt(E.contextMessages)
  CHAT_CONTEXT_MESSAGES?: number;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  SUPPORT_WEBHOOK_URL?: string;

  @OptionalInt(E.supportWebhookMaxAttempts)
  SUPPORT_WEBHOOK_MAX_ATTEMPTS?: number;

  @OptionalInt(E.supportWebhookRetryMs)
  SUPPORT_WEBHOOK_RETRY_MS?: number;
}

export interface ChatConfig {
  /** Always answer with the deterministic mock, whatever the settings and keys. */
  mockMode: boolean;
  /** Messages per window, counted per session (per user for logged-in users) and per IP. */
  messageLimit: number;
  /** History reads and stream connects per window, per session/user and per IP. */
  readLimit: number;
  /** Sessions created per window per IP. */
  createSessionLimit: number;
  rateWindowMs: number;
  /** How often an idle SSE stream gets a comment line, so proxies keep it open. */
  sseHeartbeatMs: number;
  /** Earlier messages sent to the LLM as context (also bounded in characters). */
  contextMessages: number;
  /**
   * Called (POST, JSON) when a conversation starts waiting for staff (handoff keyword,
   * doubtful analysis, provider failure); unset: no call.
   */
  supportWebhookUrl: string | null;
  supportWebhookMaxAttempts: number;
  /** First retry delay; doubled after each failed attempt. */
  supportWebhookRetryMs: number;
}

/** CHAT_*: the support chat's limits and mock mode, validated at boot. */
export const chatConfig = registerAs('chat', (): ChatConfig => {
  const v = validateEnv(ChatEnv);
  return {
    mockMode: v.CHAT_MOCK_MODE === 'true',
    messageLimit: v.CHAT_MESSAGE_LIMIT ?? E.messageLimit.default,
    readLimit: v.CHAT_READ_LIMIT ?? E.readLimit.default,
    createSessionLimit: v.CHAT_CREATE_SESSION_LIMIT ?? E.createSessionLimit.default,
    rateWindowMs: v.CHAT_RATE_WINDOW_MS ?? E.rateWindowMs.default,
    sseHeartbeatMs: v.CHAT_SSE_HEARTBEAT_MS ?? E.sseHeartbeatMs.default,
    contextMessages: v.CHAT_CONTEXT_MESSAGES ?? E.contextMessages.default,
    supportWebhookUrl: v.SUPPORT_WEBHOOK_URL ?? null,
    supportWebhookMaxAttempts:
      v.SUPPORT_WEBHOOK_MAX_ATTEMPTS ?? E.supportWebhookMaxAttempts.default,
    supportWebhookRetryMs: v.SUPPORT_WEBHOOK_RETRY_MS ?? E.supportWebhookRetryMs.default,
  };
});
