import { APICallError } from 'ai';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ChatCall, ChatResult, ChatStreamEvent } from './llm-client';

/** Providers whose Chat Completions API is OpenAI's wire format, and their public base URLs. */
export const OPENAI_WIRE_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  mistral: 'https://api.mistral.ai/v1',
  groq: 'https://api.groq.com/openai/v1',
} as const;
export type OpenAiWireProvider = keyof typeof OPENAI_WIRE_BASE_URLS;

export const speaksOpenAiWire = (provider: string): provider is OpenAiWireProvider =>
  provider in OPENAI_WIRE_BASE_URLS;

/** An answer larger than this is refused rather than buffered (a runaway or hostile body). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * One Chat Completions call in OpenAI's wire format over a keep-alive `node:http(s)` agent:
 * the transport of the OpenAI-compatible API's calls to providers
 * that speak that format (OpenAI, Mistral, Groq). It does what the `ai` SDK does for such a
 * call (same URL, headers and body fields; `max_completion_tokens` for OpenAI, whose
 * reasoning models refuse `max_tokens`), without its web-stream `fetch` and schema layers,
 * which cost more CPU than the rest of the call. Errors are the SDK's `APICallError`, so
 * `LlmCallError.classify` sorts them the same way.
 */
export async function openAiWireGenerate(
  call: ChatCall & { provider: OpenAiWireProvider },
  baseUrl: string | undefined,
  signal: AbortSignal,
): Promise<ChatResult> {
  const { url, body } = request(call, baseUrl, false);
  const res = await send(url, JSON.stringify(body), call.apiKey ?? '', signal);
  const text = await readBody(res, signal);
  failOnStatus(res, text, url, body);
  const answer = parse(text, url, body);
  const usage = answer.usage ?? {};
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  return {
    text: answer.choices?.[0]?.message?.content ?? '',
    model: answer.model ?? call.model,
    usage: {
      promptTokens,
      completionTokens,
      totalTokens: usage.total_tokens ?? promptTokens + completionTokens,
    },
  };
}

/**
 * The same call streamed: `data:` chunks of `chat.completion.chunk` become deltas, then one
 * `finish` with the usage (OpenAI's last chunk with `stream_options.include_usage`, Mistral's
 * last chunk, Groq's `x_groq.usage`). `onEvent` is told of every chunk (the caller's idle
 * timer). A stream that ends without its last chunk is an error, like a cut connection.
 */
export async function* openAiWireStream(
  call: ChatCall & { provider: OpenAiWireProvider },
  baseUrl: string | undefined,
  signal: AbortSignal,
  onEvent: () => void,
): AsyncGenerator<ChatStreamEvent> {
  const { url, body } = request(call, baseUrl, true);
  const res = await send(url, JSON.stringify(body), call.apiKey ?? '', signal);
  if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
    failOnStatus(res, await readBody(res, signal), url, body);
  }
  let model = call.model;
  let usage: WireAnswer['usage'] | undefined;
  let finished = false;
  let buffer = '';
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) {
    onEvent();
    buffer += chunk;
    if (buffer.length > MAX_ANSWER_BYTES) throw new Error('The provider stream is too large');
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') {
        finished = true;
        continue;
      }
      const event = parse(data, url, body) as WireChunk;
      if (event.error) throw new Error('The provider reported an error mid-stream');
      model = event.model ?? model;
      usage = event.usage ?? event.x_groq?.usage ?? usage;
      const text = event.choices?.[0]?.delta?.content;
      if (text) yield { type: 'delta', text };
    }
  }
  if (!finished && !usage) throw new Error('The provider stream ended without finishing');
  const promptTokens = usage?.prompt_tokens ?? 0;
  const completionTokens = usage?.completion_tokens ?? 0;
  yield {
    type: 'finish',
    model,
    usage: {
      promptTokens,
      completionTokens,
      totalTokens: usage?.total_tokens ?? promptTokens + completionTokens,
    },
  };
}

/** The URL and body of a Chat Completions request, as the `ai` SDK builds them. */
function request(
  call: ChatCall & { provider: OpenAiWireProvider },
  baseUrl: string | undefined,
  stream: boolean,
) {
  const url = `${baseUrl ?? OPENAI_WIRE_BASE_URLS[call.provider]}/chat/completions`;
  const body = {
    model: call.model,
    messages: [
      ...(call.system ? [{ role: 'system', content: call.system }] : []),
      ...call.messages,
    ],
    ...(call.temperature !== undefined && { temperature: call.temperature }),
    ...(call.maxTokens !== undefined &&
      (call.provider === 'openai'
        ? { max_completion_tokens: call.maxTokens }
        : { max_tokens: call.maxTokens })),
    ...(stream && { stream: true }),
    ...(stream && call.provider === 'openai' && { stream_options: { include_usage: true } }),
  };
  return { url, body };
}

function failOnStatus(res: IncomingMessage, text: string, url: string, body: unknown) {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return;
  throw new APICallError({
    message: `HTTP ${status}`,
    url,
    requestBodyValues: body,
    statusCode: status,
    responseHeaders: flatHeaders(res),
    responseBody: text,
    isRetryable: status === 429 || status >= 500,
  });
}

interface WireChunk {
  model?: string;
  usage?: WireAnswer['usage'];
  choices?: { delta?: { content?: string | null } }[];
  x_groq?: { usage?: WireAnswer['usage'] };
  error?: unknown;
}

interface WireAnswer {
  model?: string;
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

function send(url: string, payload: string, apiKey: string, signal: AbortSignal) {
  const https = url.startsWith('https:');
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: https ? agents.https : agents.http,
        signal,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          accept: 'application/json',
        },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function readBody(res: IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const abort = () => res.destroy(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) res.destroy(new Error('The provider answer is too large'));
      else chunks.push(chunk);
    });
    res.on('end', () => {
      signal.removeEventListener('abort', abort);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    res.on('error', (err) => {
      signal.removeEventListener('abort', abort);
      reject(err);
    });
  });
}

function parse(text: string, url: string, body: unknown): WireAnswer {
  try {
    const answer = JSON.parse(text) as WireAnswer;
    if (answer && typeof answer === 'object') return answer;
  } catch {
    // fall through
  }
  // A 2xx that is not a completion: the provider broke off or answered badly.
  throw new APICallError({
    message: 'Invalid JSON answer',
    url,
    requestBodyValues: body,
    statusCode: 200,
    responseBody: text.slice(0, 200),
  });
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
