import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import type { LlmKeyTestResultDto, TestLlmKeyDto } from './dto/llm-key.dto';
import { LlmKeysService } from './llm-keys.service';
import { LlmGateway } from '../llm-gateway/llm-gateway.service';
import { LlmCallError } from './providers/llm-call.error';
import {
  LLM_PROVIDERS_SETTINGS,
  type LlmProvidersSettings,
} from './providers/llm-providers.settings';

/** A key test waits at most this long, even when LLM_TIMEOUT_MS is longer. */
const TEST_TIMEOUT_MS = 15_000;

/**
 * `POST /api/llm/keys/:id/test`: one real, minimal call (a one-word prompt, one output token)
 * through the LLM gateway like every call, without retries or fallbacks, so the answer is what the
 * provider says now. The outcome is a report, not an HTTP error: a rejected key is a
 * successful test. The call is logged in llm_usage_logs like any other (it costs the owner a
 * few tokens); it is not refused by the monthly budget, so a key can be checked at any time.
 */
@Injectable()
export class LlmKeyTestService {
  constructor(
    private readonly keys: LlmKeysService,
    private readonly gateway: LlmGateway,
    @Inject(LLM_PROVIDERS_SETTINGS) private readonly settings: LlmProvidersSettings,
  ) {}

  async test(
    user: AuthenticatedUser,
    id: string,
    dto: TestLlmKeyDto,
  ): Promise<LlmKeyTestResultDto> {
    const key = await this.keys.get(user, id);
    const preferred = key.metadata?.preferredModel;
    const model = this.gateway.model(
      key.provider,
      dto.model ?? (typeof preferred === 'string' ? preferred : undefined),
    );
    const started = Date.now();
    try {
      const result = await this.gateway.generate({
        targets: [{ provider: key.provider, model }],
        keys: { key },
        userId: key.userId,
        messages: [{ role: 'user', content: 'ping' }],
        maxTokens: 1,
        enforceBudget: false,
        maxRetries: 0,
        timeoutMs: Math.min(this.settings.timeoutMs, TEST_TIMEOUT_MS),
      });
      return { provider: key.provider, ok: true, model: result.model, latencyMs: result.latencyMs };
    } catch (err) {
      const report = { provider: key.provider, model, ok: false as const };
      if (err instanceof LlmCallError) {
        const { errorCode: code, message, retryAfter } = err;
        const error = { code, message, ...(retryAfter && { retryAfter }) };
        return { ...report, latencyMs: Date.now() - started, error };
      }
      if (err instanceof DomainException && err.code === 'LLM_KEY_UNREADABLE') {
        return { ...report, latencyMs: 0, error: { code: err.code, message: err.message } };
      }
      throw err;
    }
  }
}
