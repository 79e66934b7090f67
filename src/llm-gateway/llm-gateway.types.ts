import type { AuthenticatedUser } from '../common/auth/principal';
import type { LlmApiKeyEntity } from '../llm-providers/entities/llm-api-key.entity';
import type { ChatTurn, ChatUsage } from '../llm-providers/providers/llm-client';
import type { ChatProvider } from '../llm-providers/providers/llm-providers.settings';

/** One place a call may go: a provider, its model (default if unset), a key (default if unset). */
export interface GatewayTarget {
  provider: ChatProvider;
  model?: string;
  keyId?: string;
}

/**
 * Whose keys a call may spend:
 * - `owner`: the caller's own active keys (a named key must be theirs; else their default);
 * - `configured`: a key an admin chose for a feature (the support chat), whoever owns it;
 * - `key`: a key already chosen and access-checked (a key test).
 */
export type KeyChoice =
  { owner: AuthenticatedUser } | { configured: true } | { key: LlmApiKeyEntity };

export interface GatewayCall {
  /** The first target, then the fallbacks, tried in order. */
  targets: readonly GatewayTarget[];
  keys: KeyChoice;
  /** Who the usage is logged for (null: an anonymous visitor of the support chat). */
  userId: string | null;
  system?: string;
  /** Earlier turns then the new user message. */
  messages: ChatTurn[];
  temperature?: number;
  maxTokens?: number;
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
  /** false: not refused by the monthly budget (a key test, which costs one token). */
  enforceBudget?: boolean;
  /** Overrides of the server settings for this call (a key test fails fast). */
  maxRetries?: number;
  timeoutMs?: number;
  /** How a non-streamed call reaches an OpenAI-wire provider (ChatCall.transport). */
  transport?: 'sdk' | 'openai-wire';
  /** The conversation the call belongs to, for the usage log. */
  conversationId?: string | null;
  /**
   * Stores the answer before its usage is logged and the caller is answered (the proxy's
   * conversation); returns the conversation id the log carries.
   */
  persist?: (answer: { text: string; model: string; provider: ChatProvider }) => Promise<string>;
}

/** Where a call went in the end. */
export interface GatewayRoute {
  provider: ChatProvider;
  /** The model asked for (alias resolved); the answer's `model` is the provider's own id. */
  requestedModel: string;
  keyId: string | null;
  /** 1 for the first target, 2 for the first fallback, … */
  attempt: number;
}

export interface GatewayResult extends GatewayRoute {
  text: string;
  model: string;
  usage: ChatUsage;
  latencyMs: number;
  /** Micro-dollars; null when the model's price is unknown. */
  costMicroUsd: number | null;
  conversationId: string | null;
}

export type GatewayStreamEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      model: string;
      usage: ChatUsage;
      latencyMs: number;
      ttftMs: number | null;
      costMicroUsd: number | null;
      conversationId: string | null;
    }
  | { type: 'error'; code: string; message: string };

export interface GatewayStream extends GatewayRoute {
  /** Deltas, then `done` or, once text was sent, `error`. */
  events: AsyncIterable<GatewayStreamEvent>;
}
