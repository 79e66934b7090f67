import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { chatConfig } from '../config';
import type { LlmApiKeyEntity, LlmProvider } from '../llm-providers/entities/llm-api-key.entity';
import { LlmKeysService } from '../llm-providers/llm-keys.service';
import { LlmCallError } from '../llm-providers/providers/llm-call.error';
import {
  LLM_PROVIDERS_SETTINGS,
  type LlmProvidersSettings,
} from '../llm-providers/providers/llm-providers.settings';
import { ChatTurn, LlmClient } from '../llm-providers/providers/llm-client';
import { approxTokens } from '../llm-providers/providers/mock-chat';
import { LLM_PRICING, type LlmPricing } from '../llm-providers/usage/llm-pricing';
import { LlmUsageRecorder } from '../llm-providers/usage/llm-usage.recorder';
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

/**
 * The deterministic mock: the same message always gets the same reply, with no network and no
 * key (CHAT_MOCK_MODE=true, provider `mock`, or no usable key).
 */
export function mockChatReply(message: string): string {
  const digest = createHash('sha256').update(message).digest('hex').slice(0, 6);
  const quoted = truncateText(message.replace(/\s+/g, ' '), 200);
  return (
    `Thanks for your message: “${quoted}”. This is an automatic reply (demo mode, ref ${digest}). ` +
    'Type "human" at any time to talk to a member of our team.'
  );
}

/** A provider call failed: the caller stores a polite fallback and hands the session to staff. */
export class AssistantUnavailableError extends Error {}

/**
 * Writes the assistant's reply to a user message through LlmProviders: the settings' provider,
 * model and system prompt, the session's earlier turns as context, the admin-chosen key.
 * Every real call is logged to llm_usage_logs like the LLM proxy's.
 */
@Injectable()
export class ChatAssistantService {
  private readonly logger = new Logger(ChatAssistantService.name);

  constructor(
    private readonly repo: ChatRepository,
    private readonly settingsService: ChatSettingsService,
    private readonly keys: LlmKeysService,
    private readonly client: LlmClient,
    private readonly usage: LlmUsageRecorder,
    @Inject(LLM_PROVIDERS_SETTINGS) private readonly llm: LlmProvidersSettings,
    @Inject(LLM_PRICING) private readonly pricing: LlmPricing,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  /** Whether `reply` will answer from the mock (known before storing the user message). */
  async usableKey(settings: ChatSettingsEntity): Promise<LlmApiKeyEntity | null> {
    if (this.settingsService.mockReplies(settings)) return null;
    return this.keys.findActive(settings.llmKeyId!, settings.provider as LlmProvider);
  }

  mock(message: string): AssistantReply {
    const text = mockChatReply(message);
    return { text, tokensUsed: approxTokens(message) + approxTokens(text), mock: true };
  }

  /** Throws AssistantUnavailableError when the provider fails (already logged). */
  async reply(
    settings: ChatSettingsEntity,
    key: LlmApiKeyEntity,
    session: { id: string; userId: string | null },
    message: { sequence: number; content: string },
  ): Promise<AssistantReply> {
    const provider = key.provider;
    const model = settings.model ?? this.llm.defaultModels[provider];
    const history = await this.repo.recentTurns(
      session.id,
      message.sequence,
      this.config.contextMessages,
    );
    const messages = boundContext(history, message.content);
    const started = Date.now();
    try {
      const apiKey = await this.keys.reveal(key);
      const result = await this.client.generate({
        provider,
        model,
        apiKey,
        system: settings.systemPrompt,
        messages,
        maxTokens: REPLY_MAX_TOKENS,
      });
      this.record(key, session.userId, result.model, started, result.usage);
      const text = truncateText(cleanChatText(result.text), MAX_CHAT_MESSAGE_LENGTH);
      if (!text) throw new AssistantUnavailableError('The provider answered nothing printable');
      return { text, tokensUsed: result.usage.totalTokens, mock: false };
    } catch (err) {
      if (err instanceof AssistantUnavailableError) throw err;
      const failure = LlmCallError.classify(err, provider, {
        timedOut: false,
        clientAborted: false,
      });
      this.record(key, session.userId, model, started, undefined, failure);
      this.logger.warn(`Chat assistant unavailable (${failure.errorCode}): ${failure.message}`);
      throw new AssistantUnavailableError(failure.message);
    }
  }

  private record(
    key: LlmApiKeyEntity,
    userId: string | null,
    model: string,
    started: number,
    usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    failure?: LlmCallError,
  ) {
    this.usage.record({
      userId,
      keyId: key.id,
      provider: key.provider,
      model: model.slice(0, 100),
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      totalTokens: usage.totalTokens,
      costMicroUsd: this.pricing.cost(model, usage.promptTokens, usage.completionTokens).microUsd,
      latencyMs: Date.now() - started,
      ttftMs: null,
      status: failure?.status ?? 'success',
      errorCode: failure?.errorCode ?? null,
      conversationId: null,
      streamed: false,
      isMock: false,
    });
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
