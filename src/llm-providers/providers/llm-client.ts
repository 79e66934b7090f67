import { createAnthropic } from '@ai-sdk/anthropic';
import { createGroq } from '@ai-sdk/groq';
import { createMistral } from '@ai-sdk/mistral';
import { createOpenAI } from '@ai-sdk/openai';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { generateText, streamText, type LanguageModel, type ModelMessage } from 'ai';
import { LlmCallError } from './llm-call.error';
import {
  LLM_PROVIDERS_SETTINGS,
  type ChatProvider,
  type LlmProvidersSettings,
} from './llm-providers.settings';
import { mockReply, mockStream } from './mock-chat';
import { openAiWireGenerate, openAiWireStream, speaksOpenAiWire } from './openai-wire';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatCall {
  provider: ChatProvider;
  model: string;
  /** The decrypted provider key (not for `mock`). */
  apiKey?: string;
  system?: string;
  /** Earlier turns then the new user message. */
  messages: ChatTurn[];
  temperature?: number;
  maxTokens?: number;
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
  /** Overrides of the server settings for this call (a key test fails fast). */
  maxRetries?: number;
  timeoutMs?: number;
  /**
   * `openai-wire`: a call to a provider speaking OpenAI's wire format goes straight over HTTP
   * (openai-wire.ts) instead of through the `ai` SDK; the OpenAI-compatible API uses it.
   * Ignored for other providers (Anthropic, mock).
   */
  transport?: 'sdk' | 'openai-wire';
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatResult {
  text: string;
  model: string;
  usage: ChatUsage;
}

export type ChatStreamEvent =
  { type: 'delta'; text: string } | { type: 'finish'; usage: ChatUsage; model: string };

/**
 * Calls a provider through the Vercel AI SDK, with our own retry policy (the SDK's is off):
 * 5xx/network errors are retried with bounded exponential backoff, everything else fails at
 * once as an `LlmCallError`. Base URLs come from server settings only.
 */
@Injectable()
export class LlmClient {
  private readonly logger = new Logger(LlmClient.name);

  constructor(@Inject(LLM_PROVIDERS_SETTINGS) private readonly settings: LlmProvidersSettings) {
    // The SDK prints its warnings (e.g. "model unknown to this SDK version") with
    // process.emitWarning on every call; send them to our logger at debug level instead.
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (warnings: unknown[]) =>
      this.logger.debug({ warnings }, 'AI SDK warnings');
  }

  async generate(call: ChatCall): Promise<ChatResult> {
    if (call.provider === 'mock') return mockReply(call);
    for (let attempt = 0; ; attempt++) {
      const deadline = new Deadline(call.timeoutMs ?? this.settings.timeoutMs, call.signal);
      try {
        if (call.transport === 'openai-wire' && speaksOpenAiWire(call.provider)) {
          const baseUrl = this.settings.baseUrls[call.provider];
          return await openAiWireGenerate(
            { ...call, provider: call.provider },
            baseUrl,
            deadline.signal,
          );
        }
        const result = await generateText({
          ...this.options(call, deadline.signal),
        });
        return {
          text: result.text,
          model: result.response.modelId ?? call.model,
          usage: usageOf(result.usage),
        };
      } catch (err) {
        const failure = LlmCallError.classify(err, call.provider, deadline.flags());
        if (!failure.retryable || attempt >= this.maxRetries(call)) throw failure;
      } finally {
        deadline.clear();
      }
      await this.backoff(attempt, call.signal);
    }
  }

  /**
   * Deltas then one `finish`. A failure before the first delta is retried like `generate`;
   * after it, never: the caller already relayed text, and a retry would send it twice.
   */
  async *stream(call: ChatCall): AsyncGenerator<ChatStreamEvent> {
    if (call.provider === 'mock') {
      try {
        yield* mockStream(call);
      } catch (err) {
        throw LlmCallError.classify(err, 'mock', { timedOut: false, clientAborted: true });
      }
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const deadline = new Deadline(call.timeoutMs ?? this.settings.timeoutMs, call.signal);
      let emitted = false;
      try {
        for await (const event of this.streamOnce(call, deadline)) {
          emitted = true;
          yield event;
        }
        return;
      } catch (err) {
        const failure = LlmCallError.classify(err, call.provider, deadline.flags());
        if (emitted || !failure.retryable || attempt >= this.maxRetries(call)) throw failure;
      } finally {
        deadline.clear();
      }
      await this.backoff(attempt, call.signal);
    }
  }

  private async *streamOnce(call: ChatCall, deadline: Deadline): AsyncGenerator<ChatStreamEvent> {
    if (call.transport === 'openai-wire' && speaksOpenAiWire(call.provider)) {
      const baseUrl = this.settings.baseUrls[call.provider];
      yield* openAiWireStream({ ...call, provider: call.provider }, baseUrl, deadline.signal, () =>
        deadline.restart(),
      );
      return;
    }
    const result = streamText({
      ...this.options(call, deadline.signal),
      // Errors come through fullStream; the default handler would print them.
      onError: () => undefined,
    });
    let model = call.model;
    for await (const part of result.fullStream) {
      deadline.restart();
      switch (part.type) {
        case 'text-delta':
          if (part.text) yield { type: 'delta', text: part.text };
          break;
        case 'finish-step':
          model = part.response.modelId ?? model;
          break;
        case 'finish':
          yield { type: 'finish', model, usage: usageOf(part.totalUsage) };
          return;
        case 'error':
          throw part.error;
        case 'abort':
          throw new Error('aborted');
      }
    }
    throw new Error('The provider stream ended without finishing');
  }

  private options(call: ChatCall, abortSignal: AbortSignal) {
    const messages: ModelMessage[] = call.messages.map((m) => ({
      role: m.role,
      content: m.content,
    }));
    return {
      model: this.model(call),
      system: call.system,
      messages,
      temperature: call.temperature,
      maxOutputTokens: call.maxTokens,
      maxRetries: 0,
      abortSignal,
    };
  }

  private model(call: ChatCall): LanguageModel {
    const apiKey = call.apiKey;
    const baseURL = call.provider === 'mock' ? undefined : this.settings.baseUrls[call.provider];
    switch (call.provider) {
      case 'openai':
        // .chat(): the Chat Completions API, which every OpenAI-compatible server speaks.
        return createOpenAI({ apiKey, baseURL }).chat(call.model);
      case 'anthropic':
        return createAnthropic({ apiKey, baseURL })(call.model);
      case 'mistral':
        return createMistral({ apiKey, baseURL })(call.model);
      case 'groq':
        return createGroq({ apiKey, baseURL })(call.model);
      default:
        throw new Error(`No SDK model for ${call.provider}`);
    }
  }

  private maxRetries(call: ChatCall): number {
    return call.maxRetries ?? this.settings.maxRetries;
  }

  private async backoff(attempt: number, signal?: AbortSignal) {
    const base = this.settings.retryBaseDelayMs * 2 ** attempt;
    const delay = Math.min(base + Math.random() * base * 0.2, 8_000);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (signal?.aborted) {
      throw new LlmCallError('client_aborted', 'The client closed the connection');
    }
  }
}

/** One attempt's abort signal: the caller's, or ours when the provider is too slow. */
class Deadline {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private timedOut = false;
  readonly signal: AbortSignal;

  constructor(
    private readonly ms: number,
    private readonly caller?: AbortSignal,
  ) {
    this.signal = caller
      ? AbortSignal.any([caller, this.controller.signal])
      : this.controller.signal;
    this.restart();
  }

  restart() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timeout'));
    }, this.ms);
  }

  clear() {
    clearTimeout(this.timer);
  }

  flags() {
    return { timedOut: this.timedOut, clientAborted: !!this.caller?.aborted };
  }
}

function usageOf(u: {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}): ChatUsage {
  const promptTokens = u.inputTokens ?? 0;
  const completionTokens = u.outputTokens ?? 0;
  return {
    promptTokens,
    completionTokens,
    totalTokens: u.totalTokens ?? promptTokens + completionTokens,
  };
}
