import type { LlmUsageRecord } from '../../src/llm-providers/usage/llm-usage.recorder';

/**
 * A usage log entry of a successful 175-token OpenAI call costing $0.00325 (GPT-4 Turbo's
 * $10 / $30 per million tokens), for tests that feed the recorder known data; override what
 * the test is about (`costMicroUsd: null` for an unpriced call).
 */
export const usageRecord = (
  over: Partial<LlmUsageRecord> & Pick<LlmUsageRecord, 'userId'>,
): LlmUsageRecord => ({
  keyId: null,
  provider: 'openai',
  model: 'gpt-4-turbo-preview',
  promptTokens: 100,
  completionTokens: 75,
  totalTokens: 175,
  costMicroUsd: 3_250,
  latencyMs: 800,
  ttftMs: null,
  status: 'success',
  errorCode: null,
  conversationId: null,
  streamed: false,
  isMock: false,
  ...over,
});
