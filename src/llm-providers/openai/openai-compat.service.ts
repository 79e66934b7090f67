import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { LlmGateway } from '../../llm-gateway/llm-gateway.service';
import type { GatewayCall, GatewayRoute, GatewayStream } from '../../llm-gateway/llm-gateway.types';
import { LlmConversationsRepository } from '../chat/llm-conversations.repository';
import { LlmModelsService } from '../models/llm-models.service';
import type { ChatTurn, ChatUsage } from '../providers/llm-client';
import type { ChatProvider } from '../providers/llm-providers.settings';
import { MODEL_CATALOG } from '../providers/model-catalog';
import { contentText } from './chat-content.validator';
import type { ChatCompletionRequestDto, OpenAiModelListDto } from './openai-compat.dto';

/** `created` of the listed models: when this catalogue was written (2026-12-06). */
const CATALOG_CREATED = 1_764_979_200;

export interface Completion {
  body: object;
  route: GatewayRoute;
  conversationId: string | null;
}

/** One SSE `data:` payload, or the end. */
export type ChunkEvent = { data: object } | { done: true };

/**
 * The OpenAI-compatible API on the LLM gateway: OpenAI's request and answer shapes, model
 * names `provider/model`, the caller's stored key for that provider.
 */
@Injectable()
export class OpenAiCompatService {
  constructor(
    private readonly gateway: LlmGateway,
    private readonly conversations: LlmConversationsRepository,
    private readonly models: LlmModelsService,
  ) {}

  async complete(user: AuthenticatedUser, dto: ChatCompletionRequestDto): Promise<Completion> {
    const call = await this.call(user, dto);
    const r = await this.gateway.generate(call);
    return {
      route: r,
      conversationId: dto.conversation_id ? r.conversationId : null,
      body: {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: `${r.provider}/${r.model}`,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: r.text, refusal: null },
            logprobs: null,
            finish_reason: finishReason(r.usage, call.maxTokens),
          },
        ],
        usage: usage(r.usage),
        system_fingerprint: null,
      },
    };
  }

  /**
   * Resolves once the first text is there (an error before it is an ordinary HTTP error);
   * then yields OpenAI's chunks: the role, the deltas, the finish reason, the usage when
   * asked, `[DONE]`; a failure after text is a `{ "error": … }` event.
   */
  async stream(
    user: AuthenticatedUser,
    dto: ChatCompletionRequestDto,
    signal: AbortSignal,
  ): Promise<{ route: GatewayRoute; events: AsyncIterable<ChunkEvent> }> {
    const call = await this.call(user, dto);
    call.signal = signal;
    const s = await this.gateway.stream(call);
    return { route: s, events: chunks(s, dto, call.maxTokens) };
  }

  /** `GET /v1/models`: what the caller can call now (providers they hold a key for, mock). */
  async listModels(user: AuthenticatedUser): Promise<OpenAiModelListDto> {
    const usable = await this.models.usableProviders(user);
    const data = (await this.models.list(user))
      .filter((p) => usable.has(p.provider))
      .flatMap((p) =>
        p.models.map((m) => ({
          id: `${p.provider}/${m.id}`,
          object: 'model' as const,
          created: CATALOG_CREATED,
          owned_by: p.provider,
        })),
      );
    return { object: 'list', data };
  }

  private async call(user: AuthenticatedUser, dto: ChatCompletionRequestDto): Promise<GatewayCall> {
    const { provider, model } = parseModel(dto.model);
    const system: string[] = [];
    const messages: ChatTurn[] = [];
    for (const m of dto.messages) {
      const text = contentText(m.content)!;
      if (m.role === 'system' || m.role === 'developer') system.push(text);
      else messages.push({ role: m.role, content: text });
    }
    if (messages.length === 0) {
      throw DomainException.invalidField('messages', 'messages must hold a user message');
    }
    const conversationId = dto.conversation_id ?? null;
    if (conversationId) {
      const conversation = await this.conversations.findById(conversationId);
      if (conversation && conversation.userId !== user.id) {
        throw DomainException.notFound('Conversation');
      }
    }
    const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    return {
      targets: [{ provider, model, keyId: dto.key_id }, ...(dto.fallbacks ?? [])],
      keys: { owner: user },
      userId: user.id,
      system: system.length ? system.join('\n\n') : undefined,
      messages,
      temperature: dto.temperature,
      maxTokens: dto.max_completion_tokens ?? dto.max_tokens,
      conversationId,
      // OpenAI's wire in, OpenAI's wire out: no SDK translation in between where the provider
      // speaks it (OpenAI, Mistral, Groq); Anthropic still goes through the `ai` SDK.
      transport: 'openai-wire',
      persist: conversationId
        ? (a) =>
            this.conversations.appendExchange({
              conversationId,
              userId: user.id,
              provider: a.provider,
              model: a.model,
              question,
              answer: a.text,
            })
        : undefined,
    };
  }
}

/** `mistral/mistral-small-latest` → provider and model; `mistral` alone → its default. */
export function parseModel(name: string): { provider: ChatProvider; model?: string } {
  const slash = name.indexOf('/');
  const provider = (slash < 0 ? name : name.slice(0, slash)) as ChatProvider;
  if (!(provider in MODEL_CATALOG)) {
    throw DomainException.invalidField('model', `Unknown provider in model "${name}"`);
  }
  const model = slash < 0 ? undefined : name.slice(slash + 1).trim() || undefined;
  return { provider, model };
}

const usage = (u: ChatUsage) => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.totalTokens,
});

const finishReason = (u: ChatUsage, maxTokens?: number) =>
  maxTokens !== undefined && u.completionTokens >= maxTokens ? 'length' : 'stop';

async function* chunks(
  s: GatewayStream,
  dto: ChatCompletionRequestDto,
  maxTokens: number | undefined,
): AsyncGenerator<ChunkEvent> {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  let model = `${s.provider}/${s.requestedModel}`;
  const chunk = (choices: object[], extra: object = {}) => ({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: null,
      choices,
      ...extra,
    },
  });
  yield chunk([
    { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
  ]);
  for await (const e of s.events) {
    if (e.type === 'delta') {
      yield chunk([{ index: 0, delta: { content: e.text }, logprobs: null, finish_reason: null }]);
    } else if (e.type === 'done') {
      model = `${s.provider}/${e.model}`;
      yield chunk([
        { index: 0, delta: {}, logprobs: null, finish_reason: finishReason(e.usage, maxTokens) },
      ]);
      if (dto.stream_options?.include_usage) yield chunk([], { usage: usage(e.usage) });
      yield { done: true };
    } else {
      yield {
        data: { error: { message: e.message, type: 'api_error', param: null, code: e.code } },
      };
    }
  }
}
