import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import type { LlmApiKeyEntity, LlmProvider } from '../entities/llm-api-key.entity';
import { LlmKeysService } from '../llm-keys.service';
import { LlmCallError } from '../providers/llm-call.error';
import { ChatCall, ChatStreamEvent, ChatUsage, LlmClient } from '../providers/llm-client';
import {
  LLM_PROVIDERS_SETTINGS,
  type LlmProvidersSettings,
} from '../providers/llm-providers.settings';
import { approxTokens } from '../providers/mock-chat';
import { TemplatesService } from '../templates/templates.service';
import { LLM_PRICING, LlmPricing } from '../usage/llm-pricing';
import { LlmUsageRecorder } from '../usage/llm-usage.recorder';
import type { LlmChatRequestDto, LlmChatResultDto } from './dto/llm-chat.dto';
import { LlmConversationsRepository } from './llm-conversations.repository';

/** Earlier turns sent with a follow-up: enough context, bounded cost. */
const HISTORY_LIMIT = 20;
/** The longest user message, typed or rendered from a template. */
const MAX_MESSAGE_CHARS = 32_000;

export type ChatStreamSseEvent =
  | { type: 'delta'; text: string }
  | ({ type: 'done' } & Omit<LlmChatResultDto, 'response'>)
  | { type: 'error'; code: string; message: string };

interface StreamRun {
  upstream: AsyncGenerator<ChatStreamEvent>;
  started: number;
  text: string;
  ttftMs: number | null;
}

interface PreparedCall {
  userId: string;
  /** What the user said: `message`, or the rendered template. */
  userMessage: string;
  keyId: string | null;
  conversationId: string | null;
  call: ChatCall;
}

/**
 * The chat proxy: picks the caller's key, threads conversations, calls the provider and logs
 * every call (success or not) to llm_usage_logs.
 */
@Injectable()
export class LlmChatService {
  constructor(
    private readonly keys: LlmKeysService,
    private readonly client: LlmClient,
    private readonly conversations: LlmConversationsRepository,
    private readonly usage: LlmUsageRecorder,
    @Inject(LLM_PRICING) private readonly pricing: LlmPricing,
    @Inject(LLM_PROVIDERS_SETTINGS) private readonly settings: LlmProvidersSettings,
    private readonly templates: TemplatesService,
  ) {}

  async chat(user: AuthenticatedUser, dto: LlmChatRequestDto): Promise<LlmChatResultDto> {
    const p = await this.prepare(user, dto);
    const started = Date.now();
    let result: Awaited<ReturnType<LlmClient['generate']>>;
    try {
      result = await this.client.generate(p.call);
    } catch (err) {
      throw this.failed(p, err, Date.now() - started, false, '').toHttp();
    }
    const latencyMs = Date.now() - started;
    const conversationId = await this.store(p, result.text, result.model);
    this.record(p, { ...result, latencyMs, conversationId, streamed: false });
    return {
      response: result.text,
      model: result.model,
      provider: dto.provider,
      usage: result.usage,
      latencyMs,
      conversationId,
    };
  }

  /**
   * Resolves once the first event is there, so that a failure before any text (a rejected
   * key, a 429) is still an ordinary HTTP error; later failures become an `error` event.
   */
  async stream(
    user: AuthenticatedUser,
    dto: LlmChatRequestDto,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ChatStreamSseEvent>> {
    const p = await this.prepare(user, dto);
    p.call.signal = signal;
    const run: StreamRun = {
      upstream: this.client.stream(p.call),
      started: Date.now(),
      text: '',
      ttftMs: null,
    };
    let first: IteratorResult<ChatStreamEvent>;
    try {
      first = await this.next(run);
    } catch (err) {
      throw this.failed(p, err, Date.now() - run.started, true, run.text, run.ttftMs).toHttp();
    }
    return this.relay(p, dto, run, first);
  }

  private async *relay(
    p: PreparedCall,
    dto: LlmChatRequestDto,
    run: StreamRun,
    first: IteratorResult<ChatStreamEvent>,
  ): AsyncGenerator<ChatStreamSseEvent> {
    try {
      for (let r = first; !r.done; r = await this.next(run)) {
        const event = r.value;
        if (event.type === 'delta') {
          yield { type: 'delta', text: event.text };
          continue;
        }
        const latencyMs = Date.now() - run.started;
        const conversationId = await this.store(p, run.text, event.model);
        this.record(p, { ...event, latencyMs, ttftMs: run.ttftMs, conversationId, streamed: true });
        yield {
          type: 'done',
          usage: event.usage,
          latencyMs,
          model: event.model,
          provider: dto.provider,
          conversationId,
        };
        return;
      }
    } catch (err) {
      const latencyMs = Date.now() - run.started;
      const failure = this.failed(p, err, latencyMs, true, run.text, run.ttftMs);
      yield { type: 'error', code: failure.errorCode, message: failure.message };
    } finally {
      await run.upstream.return(undefined);
    }
  }

  private async next(run: StreamRun): Promise<IteratorResult<ChatStreamEvent>> {
    const r = await run.upstream.next();
    if (!r.done && r.value.type === 'delta') {
      run.ttftMs ??= Date.now() - run.started;
      run.text += r.value.text;
    }
    return r;
  }

  private async prepare(user: AuthenticatedUser, dto: LlmChatRequestDto): Promise<PreparedCall> {
    const userMessage = await this.userMessage(user, dto);
    let keyId: string | null = null;
    let apiKey: string | undefined;
    if (dto.provider !== 'mock') {
      const key = await this.pickKey(user, dto);
      await this.checkBudget(key);
      keyId = key.id;
      apiKey = await this.keys.reveal(key);
    } else if (dto.keyId) {
      throw new DomainException('VALIDATION_FAILED', 'The mock provider takes no key: omit keyId');
    }
    let history: ChatCall['messages'] = [];
    if (dto.conversationId) {
      const conversation = await this.conversations.findOwned(dto.conversationId, user.id);
      if (!conversation) throw DomainException.notFound('Conversation');
      history = await this.conversations.lastTurns(conversation.id, HISTORY_LIMIT);
    }
    return {
      userId: user.id,
      userMessage,
      keyId,
      conversationId: dto.conversationId ?? null,
      call: {
        provider: dto.provider,
        model: dto.model ?? this.settings.defaultModels[dto.provider],
        apiKey,
        system: dto.systemPrompt,
        messages: [...history, { role: 'user', content: userMessage }],
        temperature: dto.temperature,
        maxTokens: dto.maxTokens,
      },
    };
  }

  /** `message`, or one of the caller's templates filled with `variables`. */
  private async userMessage(user: AuthenticatedUser, dto: LlmChatRequestDto): Promise<string> {
    if (dto.templateId === undefined) {
      if (dto.variables !== undefined) {
        throw new DomainException('VALIDATION_FAILED', '`variables` needs a `templateId`');
      }
      if (dto.message === undefined) {
        throw new DomainException('VALIDATION_FAILED', 'Give a `message` or a `templateId`');
      }
      return dto.message;
    }
    if (dto.message !== undefined) {
      throw new DomainException(
        'VALIDATION_FAILED',
        'Give a `message` or a `templateId`, not both: the template is the message',
      );
    }
    const variables = dto.variables ?? {};
    const notText = Object.keys(variables).filter((k) => typeof variables[k] !== 'string');
    if (notText.length > 0) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `Template variables must be strings: ${notText.join(', ')}`,
      );
    }
    const text = await this.templates.render(user, dto.templateId, variables);
    if (text.length > MAX_MESSAGE_CHARS) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `The rendered template has ${text.length} characters; the limit is ${MAX_MESSAGE_CHARS}`,
      );
    }
    return text;
  }

  /**
   * Refuses the call (402) once the key's calls this calendar month (UTC) cost its budget.
   * A soft cap: calls already in flight finish and may go past it by their own cost.
   */
  private async checkBudget(key: LlmApiKeyEntity): Promise<void> {
    const budget = key.monthlyBudgetMicroUsd;
    if (budget === null) return;
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const spent = await this.usage.spentSince(key.id, monthStart);
    if (spent < budget) return;
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    // Cents, or down to the micro-dollar for tiny budgets ($0.0005, not $0.00).
    const usd = (micro: number) => `$${(micro / 1e6).toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
    throw new DomainException(
      'LLM_BUDGET_EXCEEDED',
      `Key "${key.name}" has reached its monthly budget: ${usd(spent)} spent of ${usd(budget)} ` +
        `this month (UTC). It resets on ${nextMonth.toISOString().slice(0, 10)}; raise ` +
        `monthlyBudgetUsd with PATCH /api/llm/keys/${key.id} to continue now.`,
    );
  }

  /** The named key (yours, active, that provider) or your default active key for it. */
  private async pickKey(user: AuthenticatedUser, dto: LlmChatRequestDto): Promise<LlmApiKeyEntity> {
    if (dto.keyId) {
      const key = await this.keys.get(user, dto.keyId);
      // Admins may read others' keys, but nobody spends them.
      if (key.userId !== user.id) throw DomainException.notFound('LLM API key');
      if (key.provider !== dto.provider) {
        throw new DomainException(
          'VALIDATION_FAILED',
          `Key "${key.name}" is a ${key.provider} key, not a ${dto.provider} one`,
        );
      }
      if (!key.isActive) {
        throw new DomainException('VALIDATION_FAILED', `Key "${key.name}" is deactivated`);
      }
      return key;
    }
    // Never `mock` here: prepare() only picks keys for real providers.
    const mine = await this.keys.activeKeys(user.id, dto.provider as LlmProvider);
    const key = mine.find((k) => k.isDefault) ?? (mine.length === 1 ? mine[0] : undefined);
    if (!key) {
      throw new DomainException(
        'NOT_FOUND',
        mine.length === 0
          ? `You have no active ${dto.provider} key: add one with POST /api/llm/keys`
          : `You have several active ${dto.provider} keys and none is the default: pass keyId or mark one as default`,
      );
    }
    return key;
  }

  private async store(p: PreparedCall, answer: string, model: string) {
    const id = await this.conversations.appendExchange({
      conversationId: p.conversationId,
      userId: p.userId,
      provider: p.call.provider,
      model,
      question: p.userMessage,
      answer,
    });
    p.conversationId = id;
    return id;
  }

  /** Logs the failure and returns it, classified. */
  private failed(
    p: PreparedCall,
    err: unknown,
    latencyMs: number,
    streamed: boolean,
    partialText: string,
    ttftMs: number | null = null,
  ): LlmCallError {
    const failure = LlmCallError.classify(err, p.call.provider, {
      timedOut: false,
      clientAborted: !!p.call.signal?.aborted,
    });
    // Providers bill what they produced before a cut: estimate it rather than log nothing.
    const prompt = [p.call.system ?? '', ...p.call.messages.map((m) => m.content)].join('\n');
    const estimated = failure.failure === 'client_aborted' || partialText.length > 0;
    const promptTokens = estimated ? approxTokens(prompt) : 0;
    const completionTokens = estimated ? approxTokens(partialText) : 0;
    this.record(p, {
      model: p.call.model,
      usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
      latencyMs,
      ttftMs,
      conversationId: p.conversationId,
      streamed,
      status: failure.status,
      errorCode: failure.errorCode,
    });
    return failure;
  }

  private record(
    p: PreparedCall,
    r: {
      model: string;
      usage: ChatUsage;
      latencyMs: number;
      ttftMs?: number | null;
      conversationId: string | null;
      streamed: boolean;
      status?: 'success' | 'error' | 'rate_limited';
      errorCode?: string | null;
    },
  ) {
    const isMock = p.call.provider === 'mock';
    this.usage.record({
      userId: p.userId,
      keyId: p.keyId,
      provider: p.call.provider,
      model: r.model.slice(0, 100),
      promptTokens: r.usage.promptTokens,
      completionTokens: r.usage.completionTokens,
      totalTokens: r.usage.totalTokens,
      costMicroUsd: isMock
        ? 0
        : this.pricing.cost(r.model, r.usage.promptTokens, r.usage.completionTokens).microUsd,
      latencyMs: r.latencyMs,
      ttftMs: r.ttftMs ?? null,
      status: r.status ?? 'success',
      errorCode: r.errorCode ?? null,
      conversationId: r.conversationId,
      streamed: r.streamed,
      isMock,
    });
  }
}
