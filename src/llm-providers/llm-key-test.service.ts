import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import type { LlmKeyTestResultDto, TestLlmKeyDto } from './dto/llm-key.dto';
import { LlmKeysService } from './llm-keys.service';
import { LlmCallError } from './providers/llm-call.error';
import { LlmClient } from './providers/llm-client';
import {
  LLM_PROVIDERS_SETTINGS,
  type LlmProvidersSettings,
} from './providers/llm-providers.settings';
import { LLM_PRICING, type LlmPricing } from './usage/llm-pricing';
import { LlmUsageRecorder } from './usage/llm-usage.recorder';

/** A key test waits at most this long, even when LLM_TIMEOUT_MS is longer. */
const TEST_TIMEOUT_MS = 15_000;

/**
 * `POST /api/llm/keys/:id/test`: one real, minimal call (a one-word prompt, one output token)
 * through the same client as the chat proxy, without retries, so the answer is what the
 * provider says now. The outcome is a report, not an HTTP error: a rejected key is a
 * successful test. The call is logged in llm_usage_logs like any other (it costs the owner a
 * few tokens); it is not refused by the monthly budget, so a key can be checked at any time.
 */
@Injectable()
export class LlmKeyTestService {
  constructor(
    private readonly keys: LlmKeysService,
    private readonly client: LlmClient,
    private readonly usage: LlmUsageRecorder,
    @Inject(LLM_PRICING) private readonly pricing: LlmPricing,
    @Inject(LLM_PROVIDERS_SETTINGS) private readonly settings: LlmProvidersSettings,
  ) {}

  async test(
    user: AuthenticatedUser,
    id: string,
    dto: TestLlmKeyDto,
  ): Promise<LlmKeyTestResultDto> {
    const key = await this.keys.get(user, id);
    const preferred = key.metadata?.preferredModel;
    const model =
      dto.model ??
      (typeof preferred === 'string' && preferred.trim()
        ? preferred.trim()
        : this.settings.defaultModels[key.provider]);
    const report = { provider: key.provider, model, latencyMs: 0 };

    let apiKey: string;
    try {
      apiKey = await this.keys.reveal(key);
    } catch (err) {
      if (!(err instanceof DomainException) || err.code !== 'LLM_KEY_UNREADABLE') throw err;
      return { ...report, ok: false, error: { code: err.code, message: err.message } };
    }

    const started = Date.now();
    const log = {
      userId: key.userId,
      keyId: key.id,
      provider: key.provider,
      conversationId: null,
      streamed: false,
      isMock: false,
      ttftMs: null,
    };
    try {
      const result = await this.client.generate({
        provider: key.provider,
        model,
        apiKey,
        messages: [{ role: 'user', content: 'ping' }],
        maxTokens: 1,
        maxRetries: 0,
        timeoutMs: Math.min(this.settings.timeoutMs, TEST_TIMEOUT_MS),
      });
      const latencyMs = Date.now() - started;
      const { promptTokens, completionTokens, totalTokens } = result.usage;
      this.usage.record({
        ...log,
        model: result.model.slice(0, 100),
        promptTokens,
        completionTokens,
        totalTokens,
        costMicroUsd: this.pricing.cost(result.model, promptTokens, completionTokens).microUsd,
        latencyMs,
        status: 'success',
        errorCode: null,
      });
      return { ...report, ok: true, model: result.model, latencyMs };
    } catch (err) {
      const latencyMs = Date.now() - started;
      const failure = LlmCallError.classify(err, key.provider, {
        timedOut: false,
        clientAborted: false,
      });
      this.usage.record({
        ...log,
        model: model.slice(0, 100),
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        costMicroUsd: 0,
        latencyMs,
        status: failure.status,
        errorCode: failure.errorCode,
      });
      return {
        ...report,
        ok: false,
        latencyMs,
        error: {
          code: failure.errorCode,
          message: failure.message,
          ...(failure.retryAfter && { retryAfter: failure.retryAfter }),
        },
      };
    }
  }
}
