import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainException } from '../common/errors/domain.exception';
import { chatConfig } from '../config';
import { LlmGateway } from '../llm-gateway/llm-gateway.service';
import type { LlmApiKeyEntity, LlmProvider } from '../llm-providers/entities/llm-api-key.entity';
import { LlmKeysService } from '../llm-providers/llm-keys.service';
import { LlmCallError } from '../llm-providers/providers/llm-call.error';
import type { ChatTurn } from '../llm-providers/providers/llm-client';
import { MOCK_SUPPORT_MODEL, mockSupportReply } from '../llm-providers/providers/mock-chat';
import { cleanChatText, MAX_CHAT_MESSAGE_LENGTH, truncateText } from './chat-text';
import { ChatRepository } from './chat.repository';
import type { ChatSettingsEntity } from './entities/chat-settings.entity';
import { ChatSettingsService } from './chat-settings.service';

/** Context sent to the provider is also bounded in characters (about 3,000 tokens). */
const CONTEXT_CHARS = 12_000;
const REPLY_MAX_TOKENS = 800;

export interface AssistantReply {
  text: string;
  tokensUsed: number;
  /** Answered by the deterministic mock (no provider call). */
  mock: boolean;
}

/** The support chat's demo reply (the gateway's `mock` provider, model `mock-support-1`). */
export const mockChatReply = mockSupportReply;

/** A provider call failed: the caller stores a polite fallback and hands the session to staff. */
export class AssistantUnavailableError extends Error {}

/**
 * Writes the assistant's reply to a user message through the LLM gateway: the settings'
 * provider, model, key and fallbacks, system prompt, the session's earlier turns as context.
 * In demo mode the gateway's `mock` provider answers. The gateway checks the key's budget and
 * logs every call to llm_usage_logs.
 */
@Injectable()
export class ChatAssistantService {
  private readonly logger = new Logger(ChatAssistantService.name);

  constructor(
    private readonly repo: ChatRepository,
    private readonly settingsService: ChatSettingsService,
    private readonly keys: LlmKeysService,
    private readonly gateway: LlmGateway,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  /** Whether `reply` will answer from the mock (known before storing the user message). */
  async usableKey(settings: ChatSettingsEntity): Promise<LlmApiKeyEntity | null> {
    if (this.settingsService.mockReplies(settings)) return null;
    return this.keys.findActive(settings.llmKeyId!, settings.provider as LlmProvider);
  }

  /** The demo reply, through the gateway's mock provider (logged as a mock call). */
  async mock(message: string, session: { userId: string | null }): Promise<AssistantReply> {
    const result = await this.gateway.generate({
      targets: [{ provider: 'mock', model: MOCK_SUPPORT_MODEL }],
      keys: { configured: true },
      userId: session.userId,
      messages: [{ role: 'user', content: message }],
    });
    return { text: result.text, tokensUsed: result.usage.totalTokens, mock: true };
  }

  /** Throws AssistantUnavailableError when every target failed (each already logged). */
  async reply(
    settings: ChatSettingsEntity,
    key: LlmApiKeyEntity,
    session: { id: string; userId: string | null },
    message: { sequence: number; content: string },
  ): Promise<AssistantReply> {
    const history = await this.repo.recentTurns(
      session.id,
      message.sequence,
      this.config.contextMessages,
    );
    try {
      const result = await this.gateway.generate({
        targets: [
          { provider: key.provider, model: settings.model ?? undefined, keyId: key.id },
          ...(settings.fallbacks ?? []),
        ],
        keys: { configured: true },
        userId: session.userId,
        system: settings.systemPrompt,
        messages: boundContext(history, message.content),
        maxTokens: REPLY_MAX_TOKENS,
      });
      const text = truncateText(cleanChatText(result.text), MAX_CHAT_MESSAGE_LENGTH);
      if (!text) throw new AssistantUnavailableError('The provider answered nothing printable');
      return { text, tokensUsed: result.usage.totalTokens, mock: false };
    } catch (err) {
      if (err instanceof AssistantUnavailableError) throw err;
      // A provider failure, the key's budget spent, or its price unknown: staff take over.
      if (!(err instanceof DomainException)) throw err;
      const code = err instanceof LlmCallError ? err.errorCode : err.code;
      this.logger.warn(`Chat assistant unavailable (${code}): ${err.message}`);
      throw new AssistantUnavailableError(err.message);
    }
  }
}

/** Earlier turns (staff as assistant) then the new message, oldest dropped past CONTEXT_CHARS. */
export function boundContext(
  history: { role: string; content: string }[],
  message: string,
): ChatTurn[] {
  const turns: ChatTurn[] = [{ role: 'user', content: message }];
  let chars = message.length;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    chars += h.content.length;
    if (chars > CONTEXT_CHARS) break;
    turns.unshift({ role: h.role === 'user' ? 'user' : 'assistant', content: h.content });
  }
  return turns;
}
