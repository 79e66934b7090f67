import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeProvider = 'openai' | 'anthropic' | 'mistral' | 'groq';

/** What the next call to a provider does instead of answering normally. */
export type FakeFailure =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'slow'; ms: number }
  /** Streams one delta, then hangs until the client goes away. */
  | { kind: 'stall' }
  /** Streams `afterDeltas` text deltas, waits `ms`, then finishes normally (a slow stream). */
  | { kind: 'pause'; afterDeltas: number; ms: number }
  /**
   * Drops the connection (a network failure): at once for a plain call; for a stream, after
   * its headers and `afterDeltas` text deltas.
   */
  | { kind: 'cut'; afterDeltas: number };

export interface FakeCall {
  provider: FakeProvider;
  path: string;
  /** Authorization or x-api-key, as sent. */
  credential: string | undefined;
  body: {
    model?: string;
    stream?: boolean;
    system?: unknown;
    messages?: { role: string; content: unknown }[];
  };
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
}

export const FAKE_USAGE = { prompt: 11, completion: 7 };
export const fakeReply = (provider: FakeProvider) => `Hello from ${provider} fake`;

/**
 * The dated snapshot OpenAI answers with for an alias (`"model": "gpt-4o-mini-2024-07-18"`
 * for a `gpt-4o-mini` request), as the real API does: a call is costed with the answer's
 * model, so prices must match dated ids. Other names (dated already, or unknown) come back
 * as sent.
 */
export const OPENAI_SNAPSHOTS: Readonly<Record<string, string>> = {
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'gpt-4-turbo': 'gpt-4-turbo-2024-04-09',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
};

/** The `model` a fake provider answers with for a request naming `model`. */
export const fakeAnswerModel = (provider: FakeProvider, model: string): string =>
  provider === 'openai' ? (OPENAI_SNAPSHOTS[model] ?? model) : model;

const ROUTES: Record<string, FakeProvider> = {
  '/openai/v1/chat/completions': 'openai',
  '/mistral/v1/chat/completions': 'mistral',
  '/groq/openai/v1/chat/completions': 'groq',
  '/anthropic/v1/messages': 'anthropic',
};

/**
 * A loopback server speaking each provider's real wire format (JSON and SSE), as the
 * @ai-sdk/* packages call it: OpenAI-style /chat/completions for OpenAI, Mistral and Groq
 * (Groq puts stream usage in `x_groq.usage`), Anthropic /v1/messages. Failures are queued
 * per provider; error bodies echo the key, to prove the app never passes them through.
 * OpenAI answers with dated model ids, like the real API (`fakeAnswerModel`).
 */
export class FakeLlmProviders {
  readonly calls: FakeCall[] = [];
  private readonly failures = new Map<FakeProvider, FakeFailure[]>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The app's *_BASE_URL variables pointing here. */
  env(): Record<string, string> {
    return {
      OPENAI_BASE_URL: `${this.url}/openai/v1`,
      MISTRAL_BASE_URL: `${this.url}/mistral/v1`,
      GROQ_BASE_URL: `${this.url}/groq/openai/v1`,
      ANTHROPIC_BASE_URL: `${this.url}/anthropic/v1`,
    };
  }

  /** The app's environment for these providers, with short timeouts and retries for tests. */
  appEnv(): Record<string, string> {
    return {
      ...this.env(),
      LLM_TIMEOUT_MS: '1500',
      LLM_MAX_RETRIES: '2',
      LLM_RETRY_BASE_DELAY_MS: '20',
    };
  }

  fail(provider: FakeProvider, ...failures: FakeFailure[]) {
    this.failures.set(provider, [...(this.failures.get(provider) ?? []), ...failures]);
  }

  callsTo(provider: FakeProvider) {
    return this.calls.filter((c) => c.provider === provider);
  }

  reset() {
    this.calls.length = 0;
    this.failures.clear();
  }

  async close() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const provider = ROUTES[req.url ?? ''];
    if (!provider || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route"}');
      return;
    }
    const credential =
      (req.headers['x-api-key'] as string | undefined) ?? req.headers.authorization;
    const call: FakeCall = {
      provider,
      path: req.url!,
      credential,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeCall['body'],
      aborted: false,
    };
    this.calls.push(call);
    res.on('close', () => {
      if (!res.writableFinished) call.aborted = true;
    });

    const failure = this.failures.get(provider)?.shift();
    if (failure?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (failure.retryAfter) headers['retry-after'] = failure.retryAfter;
      res.writeHead(failure.status, headers).end(errorBody(provider, failure.status, credential));
      return;
    }
    if (failure?.kind === 'cut' && !call.body.stream) {
      res.destroy();
      return;
    }
    if (failure?.kind === 'slow') {
      const closed = await Promise.race([
        sleep(failure.ms).then(() => false),
        new Promise<boolean>((r) => res.on('close', () => r(true))),
      ]);
      if (closed) return;
    }
    const model = fakeAnswerModel(provider, call.body.model ?? 'unknown');
    const text = fakeReply(provider);
    if (!call.body.stream) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            provider === 'anthropic' ? anthropicJson(model, text) : openAiJson(model, text),
          ),
        );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const pieces = text.match(/\S+\s*/g)!;
    const events =
      provider === 'anthropic'
        ? anthropicEvents(model, pieces)
        : openAiChunks(provider, model, pieces);
    // Events before the first text delta: the role chunk, or message_start + content_block_start.
    const firstDelta = provider === 'anthropic' ? 2 : 1;
    for (const [i, event] of events.entries()) {
      if (res.destroyed) return;
      if (failure?.kind === 'cut' && i === firstDelta + failure.afterDeltas) {
        res.destroy();
        return;
      }
      if (failure?.kind === 'pause' && i === firstDelta + failure.afterDeltas) {
        await sleep(failure.ms);
        if (res.destroyed) return;
      }
      res.write(event);
      // after message_start / the role chunk and the first delta
      if (failure?.kind === 'stall' && i === (provider === 'anthropic' ? 2 : 1)) return;
      await sleep(5);
    }
    res.end();
  }
}

function errorBody(provider: FakeProvider, status: number, credential: string | undefined) {
  const message = `status ${status}; you sent ${credential ?? 'nothing'}`;
  if (provider === 'anthropic') {
    const type =
      status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : 'api_error';
    return JSON.stringify({ type: 'error', error: { type, message } });
  }
  return JSON.stringify({
    error: {
      message,
      type: 'invalid_request_error',
      code: status === 401 ? 'invalid_api_key' : null,
    },
  });
}

const usageOpenAi = () => ({
  prompt_tokens: FAKE_USAGE.prompt,
  completion_tokens: FAKE_USAGE.completion,
  total_tokens: FAKE_USAGE.prompt + FAKE_USAGE.completion,
});

function openAiJson(model: string, text: string) {
  return {
    id: 'chatcmpl-fake1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: usageOpenAi(),
  };
}

/** OpenAI: usage in a last chunk with no choices; Mistral: with the finish chunk; Groq: x_groq. */
function openAiChunks(provider: FakeProvider, model: string, pieces: string[]): string[] {
  const base = {
    id: 'chatcmpl-fake2',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
  };
  const chunk = (choices: unknown[], extra: object = {}) =>
    `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;
  const out = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
  ];
  for (const p of pieces)
    out.push(chunk([{ index: 0, delta: { content: p }, finish_reason: null }]));
  const finish = [{ index: 0, delta: {}, finish_reason: 'stop' }];
  if (provider === 'openai') {
    out.push(chunk(finish), chunk([], { usage: usageOpenAi() }));
  } else if (provider === 'mistral') {
    out.push(chunk(finish, { usage: usageOpenAi() }));
  } else {
    out.push(chunk(finish, { x_groq: { id: 'req_fake', usage: usageOpenAi() } }));
  }
  out.push('data: [DONE]\n\n');
  return out;
}

function anthropicJson(model: string, text: string) {
  return {
    id: 'msg_fake1',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: FAKE_USAGE.prompt, output_tokens: FAKE_USAGE.completion },
  };
}

function anthropicEvents(model: string, pieces: string[]): string[] {
  const ev = (type: string, data: object) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    ev('message_start', {
      message: {
        id: 'msg_fake2',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: FAKE_USAGE.prompt, output_tokens: 1 },
      },
    }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...pieces.map((text) =>
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: FAKE_USAGE.completion },
    }),
    ev('message_stop', {}),
  ];
}

/** Unref'd: a `slow` answer cut short by the client must not keep jest alive. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
