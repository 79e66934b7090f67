import { createHash } from 'node:crypto';
import type { ChatCall, ChatResult, ChatStreamEvent } from './llm-client';

/** About four characters per token: how the mock counts usage. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4);

/** The mock's support persona: what the support chat answers in demo mode. */
export const MOCK_SUPPORT_MODEL = 'mock-support-1';

/**
 * The support chat's demo reply: the same message always gets the same reply, with no
 * network and no key (CHAT_MOCK_MODE=true, provider `mock`, or no key chosen).
 */
export function mockSupportReply(message: string): string {
  const digest = createHash('sha256').update(message).digest('hex').slice(0, 6);
  const flat = Array.from(message.replace(/\s+/g, ' '));
  const quoted = flat.length <= 200 ? flat.join('') : `${flat.slice(0, 199).join('').trimEnd()}…`;
  return (
    `Thanks for your message: “${quoted}”. This is an automatic reply (demo mode, ref ${digest}). ` +
    'Type "human" at any time to talk to a member of our team.'
  );
}

/**
 * The `mock` provider: no network, no key, the same answer for the same message, so demos,
 * the GPT and tests can exercise the whole chat path for free. `mock-echo-1` (the default)
 * echoes the words backwards; `mock-support-1` answers like the support chat's demo mode.
 */
export function mockReply(call: ChatCall): ChatResult {
  const message = call.messages[call.messages.length - 1]?.content ?? '';
  const digest = createHash('sha256').update(message).digest('hex').slice(0, 8);
  const text =
    call.model === MOCK_SUPPORT_MODEL
      ? mockSupportReply(message)
      : `[mock] ${digest}: ${message.split(/\s+/).filter(Boolean).reverse().join(' ')}`;
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
