import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class ChatEnv {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'CHAT_MOCK_MODE must be true or false' })
  CHAT_MOCK_MODE?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CHAT_MESSAGE_LIMIT?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CHAT_READ_LIMIT?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CHAT_CREATE_SESSION_LIMIT?: number;

  @IsOptional()
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  CHAT_RATE_WINDOW_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120_000)
  CHAT_SSE_HEARTBEAT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  CHAT_CONTEXT_MESSAGES?: number;
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
}

/** CHAT_*: the support chat's limits and mock mode, validated at boot. */
export const chatConfig = registerAs('chat', (): ChatConfig => {
  const v = validateEnv(ChatEnv);
  return {
    mockMode: v.CHAT_MOCK_MODE === 'true',
    messageLimit: v.CHAT_MESSAGE_LIMIT ?? 10,
    readLimit: v.CHAT_READ_LIMIT ?? 100,
    createSessionLimit: v.CHAT_CREATE_SESSION_LIMIT ?? 20,
    rateWindowMs: v.CHAT_RATE_WINDOW_MS ?? 60_000,
    sseHeartbeatMs: v.CHAT_SSE_HEARTBEAT_MS ?? 15_000,
    contextMessages: v.CHAT_CONTEXT_MESSAGES ?? 20,
  };
});
