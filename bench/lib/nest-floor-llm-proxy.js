'use strict';
// The framework floor of bench/scenarios/llm-proxy.js: a minimal NestJS 11 + Express app (the
// app's versions) whose one route forwards the message to the loopback provider through the
// `ai` SDK and @ai-sdk/openai exactly as the app's LlmClient does (generateText / streamText,
// no retries) and answers the same JSON or SSE — but without auth, key lookup or decryption,
// conversation storage, usage logging, validation, middleware or logging. What it adds to the
// bare pass-through (bench/lib/bare-llm-proxy.js) is what the stack the issue prescribes (NestJS
// and a maintained SDK) costs by itself; what the app adds on top is its own work.
//
// Run as a child process: PROVIDER_URL (…/v1) in the environment; sends { ready: port } over IPC.
require('reflect-metadata');
const { Body, Controller, HttpCode, Module, Post, Res } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { createOpenAI } = require('@ai-sdk/openai');
const { generateText, streamText } = require('ai');
const { startChildServer } = require('./child-server');
const { runMain, serveNestApp } = require('./nest-child');

const MODEL = 'gpt-4-turbo-preview';

function usageOf(u) {
  return {
    promptTokens: u.inputTokens ?? 0,
    completionTokens: u.outputTokens ?? 0,
    totalTokens: u.totalTokens ?? 0,
  };
}

class ChatController {
  constructor() {
    this.provider = createOpenAI({ apiKey: 'sk-floor', baseURL: process.env.PROVIDER_URL });
  }

  async chat(body, res) {
    const started = performance.now();
    const options = {
      model: this.provider.chat(MODEL),
      messages: [{ role: 'user', content: body.message }],
      maxRetries: 0,
    };
    if (!body.stream) {
      const result = await generateText(options);
      res.status(200).json({
        success: true,
        data: {
          response: result.text,
          model: result.response.modelId ?? MODEL,
          provider: 'openai',
          usage: usageOf(result.usage),
          latencyMs: Math.round(performance.now() - started),
        },
      });
      return;
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const result = streamText({ ...options, abortSignal: abort.signal, onError: () => undefined });
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
    });
    let model = MODEL;
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta' && part.text) {
        res.write(`data: ${JSON.stringify({ type: 'delta', text: part.text })}\n\n`);
      } else if (part.type === 'finish-step') {
        model = part.response.modelId ?? model;
      } else if (part.type === 'finish') {
        const usage = usageOf(part.totalUsage);
        const latencyMs = Math.round(performance.now() - started);
        res.write(`data: ${JSON.stringify({ type: 'done', model, usage, latencyMs })}\n\n`);
      } else if (part.type === 'error') {
        throw part.error;
      }
    }
    res.end();
  }
}
// What the TypeScript compiler would apply for
//   @Controller() class ChatController { @Post('chat') @HttpCode(200) chat(@Body() body, @Res() res) {} }
const descriptor = Object.getOwnPropertyDescriptor(ChatController.prototype, 'chat');
Body()(ChatController.prototype, 'chat', 0);
Res()(ChatController.prototype, 'chat', 1);
HttpCode(200)(ChatController.prototype, 'chat', descriptor);
Post('chat')(ChatController.prototype, 'chat', descriptor);
Controller()(ChatController);

class FloorModule {}
Module({ controllers: [ChatController] })(FloorModule);

async function main() {
  const app = await NestFactory.create(FloorModule, { logger: ['error'] });
  await serveNestApp(app);
}

/** Forks this file; resolves with { baseUrl, pid, stop() } once it listens. */
function startNestFloorLlmProxy(providerUrl, { timeoutMs = 15_000 } = {}) {
  return startChildServer(__filename, {
    label: 'Nest + ai SDK floor proxy',
    env: { PROVIDER_URL: providerUrl },
    timeoutMs,
  });
}

if (require.main === module) runMain('nest-floor-llm-proxy', main);

module.exports = { startNestFloorLlmProxy };
