import { createHash } from 'node:crypto';
import type { ChatCall, ChatResult, ChatStreamEvent } from './llm-client';

/** About four characters per token: how the mock counts usage. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The `mock` provider: no network, no key, the same answer for the same message, so demos,
 * the GPT and tests can exercise the whole chat path for free.
 */
export function mockReply(call: ChatCall): ChatResult {
  const message = call.messages[call.messages.length - 1]?.content ?? '';
  const digest = createHash('sha256').update(message).digest('hex').slice(0, 8);
  const text = `[mock] ${digest}: ${message.split(/\s+/).filter(Boolean).reverse().join(' ')}`;
  const prompt = [call.system ?? '', ...call.messages.map((m) => m.content)].join('\n');
  const promptTokens = approxTokens(prompt);
  const completionTokens = approxTokens(text);
  return {
    text,
    model: call.model,
    usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
  };
}

export async function* mockStream(call: ChatCall): AsyncGenerator<ChatStreamEvent> {
  const reply = mockReply(call);
  for (const piece of reply.text.match(/\S+\s*/g) ?? []) {
    await new Promise((resolve) => setImmediate(resolve));
    if (call.signal?.aborted) throw call.signal.reason;
    yield { type: 'delta', text: piece };
  }
  yield { type: 'finish', usage: reply.usage, model: reply.model };
}
