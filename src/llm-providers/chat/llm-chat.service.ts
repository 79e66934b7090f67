import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { LlmGateway } from '../../llm-gateway/llm-gateway.service';
import type { GatewayCall, GatewayStreamEvent } from '../../llm-gateway/llm-gateway.types';
import type { ChatTurn } from '../providers/llm-client';
import { TemplatesService } from '../templates/templates.service';
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

/**
 * The chat proxy (`POST /api/llm/chat`): the message (typed or from a template), the
 * conversation's earlier turns, then one call through the LLM gateway, which picks the key,
 * checks the budget, falls back, prices and logs; the exchange is stored before the answer.
 */
@Injectable()
export class LlmChatService {
  constructor(
    private readonly gateway: LlmGateway,
    private readonly conversations: LlmConversationsRepository,
    private readonly templates: TemplatesService,
  ) {}

  async chat(user: AuthenticatedUser, dto: LlmChatRequestDto): Promise<LlmChatResultDto> {
    const r = await this.gateway.generate(await this.prepare(user, dto));
    return {
      response: r.text,
      model: r.model,
      provider: r.provider,
      attempt: r.attempt,
      usage: r.usage,
      latencyMs: r.latencyMs,
      conversationId: r.conversationId!,
    };
  }

  /**
   * Resolves once the first event is there, so that a failure before any text (a rejected
   * key, a 429 with no fallback left) is still an ordinary HTTP error; later failures become
   * an `error` event.
   */
  async stream(
    user: AuthenticatedUser,
    dto: LlmChatRequestDto,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ChatStreamSseEvent>> {
    const call = await this.prepare(user, dto);
    call.signal = signal;
    const s = await this.gateway.stream(call);
    return relay(s.events, { provider: s.provider, attempt: s.attempt });
  }

  /**
   * Validates what the gateway cannot (message or template, the conversation's owner) and
   * builds the call. A conversation id that is nobody's yet is the caller's new conversation.
   */
  async prepare(user: AuthenticatedUser, dto: LlmChatRequestDto): Promise<GatewayCall> {
    const userMessage = await this.userMessage(user, dto);
    let history: ChatTurn[] = [];
    if (dto.conversationId) {
      const conversation = await this.conversations.findById(dto.conversationId);
      if (conversation && conversation.userId !== user.id) {
        throw DomainException.notFound('Conversation');
      }
      if (conversation) {
        history = await this.conversations.lastTurns(conversation.id, HISTORY_LIMIT);
      }
    }
    return {
      targets: [
        { provider: dto.provider, model: dto.model, keyId: dto.keyId },
        ...(dto.fallbacks ?? []),
      ],
      keys: { owner: user },
      userId: user.id,
      system: dto.systemPrompt,
      messages: [...history, { role: 'user', content: userMessage }],
      temperature: dto.temperature,
      maxTokens: dto.maxTokens,
      conversationId: dto.conversationId ?? null,
      persist: ({ text, model, provider }) =>
        this.conversations.appendExchange({
          conversationId: dto.conversationId ?? null,
          userId: user.id,
          provider,
          model,
          question: userMessage,
          answer: text,
        }),
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
}

async function* relay(
  events: AsyncIterable<GatewayStreamEvent>,
  route: Pick<LlmChatResultDto, 'provider' | 'attempt'>,
): AsyncGenerator<ChatStreamSseEvent> {
  for await (const e of events) {
    if (e.type === 'done') {
      yield {
        type: 'done',
        usage: e.usage,
        latencyMs: e.latencyMs,
        model: e.model,
        ...route,
        conversationId: e.conversationId!,
      };
    } else {
      yield e;
    }
  }
}
