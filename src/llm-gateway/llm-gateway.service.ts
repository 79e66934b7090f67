import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainException } from '../common/errors/domain.exception';
import type { LlmApiKeyEntity, LlmProvider } from '../llm-providers/entities/llm-api-key.entity';
import { LlmKeysService } from '../llm-providers/llm-keys.service';
import { LlmCallError } from '../llm-providers/providers/llm-call.error';
import {
  LlmClient,
  type ChatCall,
  type ChatStreamEvent,
  type ChatUsage,
} from '../llm-providers/providers/llm-client';
import {
  LLM_PROVIDERS_SETTINGS,
  type ChatProvider,
  type LlmProvidersSettings,
} from '../llm-providers/providers/llm-providers.settings';
import { approxTokens } from '../llm-providers/providers/mock-chat';
import { resolveModel } from '../llm-providers/providers/model-catalog';
import { LLM_PRICING, type LlmPricing } from '../llm-providers/usage/llm-pricing';
import { LlmUsageRecorder } from '../llm-providers/usage/llm-usage.recorder';
import { LlmBudgets, type BudgetReservation } from './llm-budgets';
import type {
  GatewayCall,
  GatewayResult,
  GatewayRoute,
  GatewayStream,
  GatewayStreamEvent,
  GatewayTarget,
  KeyChoice,
} from './llm-gateway.types';

/** Output tokens a call is reserved at in the budget when it sets no `maxTokens`. */
const ESTIMATED_OUTPUT_TOKENS = 1_024;

/** Provider failures after which the next target (a fallback) is tried. */
const FALL_BACK_ON = new Set(['rate_limited', 'upstream_error', 'timeout', 'key_rejected']);
/** Our own refusals of one target that let the next one try. */
const REFUSALS_TO_SKIP = new Set(['LLM_BUDGET_EXCEEDED', 'LLM_PRICE_UNKNOWN']);

/** One target, ready to call: key chosen, budget reserved, secret revealed. */
interface Attempt extends GatewayRoute {
  requestId: string;
  key: LlmApiKeyEntity | null;
  call: ChatCall;
  reservation: BudgetReservation;
}

const NO_RESERVATION: BudgetReservation = { settle: () => undefined };

/**
 * The one door every LLM call goes through (the chat proxy, the OpenAI-compatible API, key
 * tests, the support chat): it picks the key (ownership rules), checks the monthly budget
 * across instances, reveals the secret, calls the provider through the `ai` SDK (LlmClient
 * retries 5xx), falls back to the next target on 429, 5xx, timeout or a rejected key before
 * any text was sent, prices the call and logs every attempt to llm_usage_logs.
 */
@Injectable()
export class LlmGateway {
  constructor(
    private readonly keys: LlmKeysService,
    private readonly client: LlmClient,
    private readonly budgets: LlmBudgets,
    private readonly usage: LlmUsageRecorder,
    @Inject(LLM_PRICING) private readonly pricing: LlmPricing,
    @Inject(LLM_PROVIDERS_SETTINGS) private readonly settings: LlmProvidersSettings,
  ) {}

  /** The model a call to `provider` sends (default, alias resolved). */
  model(provider: ChatProvider, model?: string): string {
    return resolveModel(provider, model, this.settings.defaultModels);
  }

  async generate(call: GatewayCall): Promise<GatewayResult> {
    const requestId = randomUUID();
    let lastError: unknown;
    for (let i = 0; i < call.targets.length; i++) {
      const attempt = await this.prepareOrSkip(call, call.targets[i], i + 1, requestId);
      if (attempt instanceof Error) {
        lastError = attempt;
        continue;
      }
      const started = Date.now();
      let result: Awaited<ReturnType<LlmClient['generate']>>;
      try {
        result = await this.client.generate(attempt.call);
      } catch (err) {
        const failure = this.failed(call, attempt, err, Date.now() - started, false, null);
        if (!FALL_BACK_ON.has(failure.failure)) throw failure;
        lastError = failure;
        continue;
      }
      const { latencyMs, costMicroUsd, conversationId } = await this.answered(call, attempt, {
        text: result.text,
        model: result.model,
        usage: result.usage,
        started,
        ttftMs: null,
        streamed: false,
      });
      return {
        provider: attempt.provider,
        requestedModel: attempt.requestedModel,
        keyId: attempt.keyId,
        attempt: attempt.attempt,
        text: result.text,
        model: result.model,
        usage: result.usage,
        latencyMs,
        costMicroUsd,
        conversationId,
      };
    }
    throw lastError;
  }

  /**
   * Resolves once the first text (or the end) is there, so that a failure before any text (a
   * rejected key, a 429) is still an ordinary error and the next target can be tried; once
   * text has been relayed a failure becomes an `error` event, never a retry (it would repeat).
   */
  async stream(call: GatewayCall): Promise<GatewayStream> {
    const requestId = randomUUID();
    let lastError: unknown;
    for (let i = 0; i < call.targets.length; i++) {
      const attempt = await this.prepareOrSkip(call, call.targets[i], i + 1, requestId);
      if (attempt instanceof Error) {
        lastError = attempt;
        continue;
      }
      const run: StreamRun = {
        upstream: this.client.stream(attempt.call),
        started: Date.now(),
        text: '',
        ttftMs: null,
      };
      let first: IteratorResult<ChatStreamEvent>;
      try {
        first = await next(run);
      } catch (err) {
        const failure = this.failed(call, attempt, err, Date.now() - run.started, true, run);
        if (!FALL_BACK_ON.has(failure.failure)) throw failure;
        lastError = failure;
        continue;
      }
      return {
        provider: attempt.provider,
        requestedModel: attempt.requestedModel,
        keyId: attempt.keyId,
        attempt: attempt.attempt,
        events: this.relay(call, attempt, run, first),
      };
    }
    throw lastError;
  }

  private async *relay(
    call: GatewayCall,
    attempt: Attempt,
    run: StreamRun,
    first: IteratorResult<ChatStreamEvent>,
  ): AsyncGenerator<GatewayStreamEvent> {
    try {
      for (let r = first; !r.done; r = await next(run)) {
        const event = r.value;
        if (event.type === 'delta') {
          yield { type: 'delta', text: event.text };
          continue;
        }
        const { latencyMs, costMicroUsd, conversationId } = await this.answered(call, attempt, {
          text: run.text,
          model: event.model,
          usage: event.usage,
          started: run.started,
          ttftMs: run.ttftMs,
          streamed: true,
        });
        yield {
          type: 'done',
          model: event.model,
          usage: event.usage,
          latencyMs,
          ttftMs: run.ttftMs,
          costMicroUsd,
          conversationId,
        };
        return;
      }
    } catch (err) {
      const failure = this.failed(call, attempt, err, Date.now() - run.started, true, run);
      yield { type: 'error', code: failure.errorCode, message: failure.message };
    } finally {
      await run.upstream.return(undefined);
    }
  }

  /**
   * A whole answer arrived: price it, settle the budget reservation, store the exchange when
   * the caller asked (`persist`), and log the attempt — even when storing failed, since the
   * provider billed it.
   */
  private async answered(
    call: GatewayCall,
    attempt: Attempt,
    a: {
      text: string;
      model: string;
      usage: ChatUsage;
      started: number;
      ttftMs: number | null;
      streamed: boolean;
    },
  ): Promise<{ latencyMs: number; costMicroUsd: number | null; conversationId: string | null }> {
    const latencyMs = Date.now() - a.started;
    const costMicroUsd = this.cost(attempt, a.model, a.usage);
    attempt.reservation.settle(costMicroUsd);
    let conversationId = call.conversationId ?? null;
    try {
      if (call.persist) {
        conversationId = await call.persist({
          text: a.text,
          model: a.model,
          provider: attempt.provider,
        });
      }
    } finally {
      this.record(call, attempt, {
        model: a.model,
        usage: a.usage,
        costMicroUsd,
        latencyMs,
        ttftMs: a.ttftMs,
        conversationId,
        streamed: a.streamed,
      });
    }
    return { latencyMs, costMicroUsd, conversationId };
  }

  /** The attempt, or the refusal that lets the next target try (other errors are thrown). */
  private async prepareOrSkip(
    call: GatewayCall,
    target: GatewayTarget,
    attempt: number,
    requestId: string,
  ): Promise<Attempt | DomainException> {
    try {
      return await this.prepare(call, target, attempt, requestId);
    } catch (err) {
      if (err instanceof DomainException && REFUSALS_TO_SKIP.has(err.code)) return err;
      throw err;
    }
  }

  private async prepare(
    call: GatewayCall,
    target: GatewayTarget,
    attempt: number,
    requestId: string,
  ): Promise<Attempt> {
    const provider = target.provider;
    const model = this.model(provider, target.model);
    const chatCall: ChatCall = {
      provider,
      model,
      system: call.system,
      messages: call.messages,
      temperature: call.temperature,
      maxTokens: call.maxTokens,
      maxRetries: call.maxRetries,
      timeoutMs: call.timeoutMs,
      signal: call.signal,
      transport: call.transport,
    };
    const base = { requestId, provider, requestedModel: model, attempt, call: chatCall };
    if (provider === 'mock') {
      if (target.keyId) {
        throw DomainException.invalidField('keyId', 'The mock provider takes no key: omit keyId');
      }
      return { ...base, key: null, keyId: null, reservation: NO_RESERVATION };
    }
    const key = await this.pickKey(call.keys, provider, target.keyId);
    const reservation =
      call.enforceBudget === false
        ? NO_RESERVATION
        : await this.budgets.reserve(key, model, this.estimate(provider, model, call));
    try {
      chatCall.apiKey = await this.keys.reveal(key);
    } catch (err) {
      reservation.settle(null);
      throw err;
    }
    return { ...base, key, keyId: key.id, reservation };
  }

  private async pickKey(
    choice: KeyChoice,
    provider: LlmProvider,
    keyId: string | undefined,
  ): Promise<LlmApiKeyEntity> {
    if ('key' in choice) return choice.key;
    if ('configured' in choice) {
      const key = keyId ? await this.keys.findActive(keyId, provider) : null;
      if (!key) throw DomainException.notFound('LLM API key');
      return key;
    }
    const user = choice.owner;
    if (keyId) {
      const key = await this.keys.get(user, keyId);
      // Admins may read others' keys, but nobody spends them.
      if (key.userId !== user.id) throw DomainException.notFound('LLM API key');
      if (key.provider !== provider) {
        throw DomainException.invalidField(
          'keyId',
          `Key "${key.name}" is a ${key.provider} key, not a ${provider} one`,
        );
      }
      if (!key.isActive) {
        throw DomainException.invalidField('keyId', `Key "${key.name}" is deactivated`);
      }
      return key;
    }
    const mine = await this.keys.activeKeys(user.id, provider);
    const key = mine.find((k) => k.isDefault) ?? (mine.length === 1 ? mine[0] : undefined);
    if (!key) {
      throw new DomainException(
        'NOT_FOUND',
        mine.length === 0
          ? `You have no active ${provider} key: add one with POST /api/llm/keys`
          : `You have several active ${provider} keys and none is the default: pass keyId or mark one as default`,
      );
    }
    return key;
  }

  /** What the call may cost at most, for the budget (null: the price is unknown). */
  private estimate(provider: ChatProvider, model: string, call: GatewayCall): number | null {
    const prompt = [call.system ?? '', ...call.messages.map((m) => m.content)].join('\n');
    return this.pricing.cost(
      provider,
      model,
      approxTokens(prompt),
      call.maxTokens ?? ESTIMATED_OUTPUT_TOKENS,
    ).microUsd;
  }

  private cost(attempt: Attempt, model: string, usage: ChatUsage): number | null {
    if (attempt.provider === 'mock') return 0;
    if (usage.promptTokens === 0 && usage.completionTokens === 0) return 0;
    return this.pricing.cost(attempt.provider, model, usage.promptTokens, usage.completionTokens)
      .microUsd;
  }

  /** Logs the failure, ends its reservation and returns it, classified. */
  private failed(
    call: GatewayCall,
    attempt: Attempt,
    err: unknown,
    latencyMs: number,
    streamed: boolean,
    partial: Pick<StreamRun, 'text' | 'ttftMs'> | null,
  ): LlmCallError {
    const failure = LlmCallError.classify(err, attempt.provider, {
      timedOut: false,
      clientAborted: !!call.signal?.aborted,
    });
    const partialText = partial?.text ?? '';
    // Providers bill what they produced before a cut: estimate it rather than log nothing.
    const prompt = [call.system ?? '', ...call.messages.map((m) => m.content)].join('\n');
    const estimated = failure.failure === 'client_aborted' || partialText.length > 0;
    const promptTokens = estimated ? approxTokens(prompt) : 0;
    const completionTokens = estimated ? approxTokens(partialText) : 0;
    const usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    const costMicroUsd = this.cost(attempt, attempt.requestedModel, usage);
    attempt.reservation.settle(costMicroUsd);
    this.record(call, attempt, {
      model: attempt.requestedModel,
      usage,
      costMicroUsd,
      latencyMs,
      ttftMs: partial?.ttftMs ?? null,
      conversationId: call.conversationId ?? null,
      streamed,
      status: failure.logStatus,
      errorCode: failure.errorCode,
    });
    return failure;
  }

  private record(
    call: GatewayCall,
    attempt: Attempt,
    r: {
      model: string;
      usage: ChatUsage;
      costMicroUsd: number | null;
      latencyMs: number;
      ttftMs?: number | null;
      conversationId: string | null;
      streamed: boolean;
      status?: 'success' | 'error' | 'rate_limited';
      errorCode?: string | null;
    },
  ) {
    this.usage.record({
      userId: call.userId,
      keyId: attempt.keyId,
      provider: attempt.provider,
      model: r.model.slice(0, 100),
      promptTokens: r.usage.promptTokens,
      completionTokens: r.usage.completionTokens,
      totalTokens: r.usage.totalTokens,
      costMicroUsd: r.costMicroUsd,
      latencyMs: r.latencyMs,
      ttftMs: r.ttftMs ?? null,
      status: r.status ?? 'success',
      errorCode: r.errorCode ?? null,
      conversationId: r.conversationId,
      streamed: r.streamed,
      isMock: attempt.provider === 'mock',
      requestId: attempt.requestId,
      attempt: attempt.attempt,
    });
  }
}

interface StreamRun {
  upstream: AsyncGenerator<ChatStreamEvent>;
  started: number;
  text: string;
  ttftMs: number | null;
}

async function next(run: StreamRun): Promise<IteratorResult<ChatStreamEvent>> {
  const r = await run.upstream.next();
  if (!r.done && r.value.type === 'delta') {
    run.ttftMs ??= Date.now() - run.started;
    run.text += r.value.text;
  }
  return r;
}
