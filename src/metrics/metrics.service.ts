import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorObserver, ObservedError } from '../common/errors/error-observer';
import { DatabasePoolStats } from '../database/kit/pool-stats';

/**
 * The Prometheus registry and every metric the app exports. Modules record through the
 * methods below (never labels built from user input, so series stay bounded: routes are
 * route templates, keys are key ids).
 */
@Injectable()
export class MetricsService implements ErrorObserver {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'passerelle_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'passerelle_http_request_duration_seconds',
    help: 'Time from request to response, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly authFailures = new Counter({
    name: 'passerelle_auth_failures_total',
    help: 'Refused credentials, by kind (gpt-key, oauth, user) and reason (error code)',
    labelNames: ['kind', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly rateLimited = new Counter({
    name: 'passerelle_rate_limit_rejections_total',
    help: 'Requests refused with 429, by route template and GPT key id (empty for other callers)',
    labelNames: ['route', 'key_id'] as const,
    registers: [this.registry],
  });

  private readonly llmTokens = new Counter({
    name: 'passerelle_llm_tokens_total',
    help: 'LLM tokens used, by provider, model and kind (prompt, completion)',
    labelNames: ['provider', 'model', 'kind'] as const,
    registers: [this.registry],
  });

  private readonly llmCost = new Counter({
    name: 'passerelle_llm_cost_usd_total',
    help: 'Estimated LLM spend in US dollars, by provider and model (mock calls excluded)',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });

  private readonly llmUnpriced = new Counter({
    name: 'passerelle_llm_unpriced_calls_total',
    help: 'LLM calls whose price is unknown (logged with no cost, not in the spend), by provider and model',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });

  private readonly llmCalls = new Counter({
    name: 'passerelle_llm_calls_total',
    help: 'LLM provider calls, by provider and outcome (success, error, rate_limited)',
    labelNames: ['provider', 'status'] as const,
    registers: [this.registry],
  });

  private readonly chatMessages = new Counter({
    name: 'passerelle_chat_messages_total',
    help: 'Chat messages stored, by role (user, assistant, staff, system)',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  private readonly toolCalls = new Counter({
    name: 'passerelle_assistant_tool_calls_total',
    help: 'Assistant tool calls (MCP tools/call), by tool, caller kind (gpt-key, oauth), outcome and error code',
    labelNames: ['tool', 'caller', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  private readonly toolCallDuration = new Histogram({
    name: 'passerelle_assistant_tool_call_duration_seconds',
    help: 'Time a tool call took, by tool and outcome',
    labelNames: ['tool', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(pool: DatabasePoolStats) {
    collectDefaultMetrics({ register: this.registry, prefix: 'passerelle_' });
    new Gauge({
      name: 'passerelle_db_pool_connections',
      help: 'Database pool connections, by state (total, idle, waiting clients)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool.current();
        if (!p) return;
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** From the error filter: refused credentials (401) and rate limits (429). */
  observe({ status, code, route, request }: ObservedError): void {
    if (status === 401) {
      const kind = code.startsWith('GPT_KEY')
        ? 'gpt-key'
        : code.startsWith('OAUTH')
          ? 'oauth'
          : 'user';
      this.authFailure(kind, code);
    } else if (status === 429) {
      const keyId = request.principal?.kind === 'gpt-key' ? request.principal.key.id : '';
      this.rateLimitRejected(route, keyId);
    }
  }

  private authFailure(kind: 'gpt-key' | 'oauth' | 'user', reason: string): void {
    this.authFailures.inc({ kind, reason });
  }

  private rateLimitRejected(route: string, keyId = ''): void {
    this.rateLimited.inc({ route, key_id: keyId });
  }

  llmCall(input: {
    provider: string;
    model: string;
    status: string;
    promptTokens: number;
    completionTokens: number;
    /** Null: the model's price is unknown (counted as unpriced). */
    costUsd: number | null;
    mock: boolean;
  }): void {
    this.llmCalls.inc({ provider: input.provider, status: input.status });
    const { provider, model } = input;
    if (input.promptTokens > 0)
      this.llmTokens.inc({ provider, model, kind: 'prompt' }, input.promptTokens);
    if (input.completionTokens > 0) {
      this.llmTokens.inc({ provider, model, kind: 'completion' }, input.completionTokens);
    }
    if (input.mock) return;
    if (input.costUsd === null) this.llmUnpriced.inc({ provider, model });
    else if (input.costUsd > 0) this.llmCost.inc({ provider, model }, input.costUsd);
  }

  /** `tool` is a registered tool name (unknown names are refused before they get here). */
  toolCall(input: {
    tool: string;
    caller: 'gpt-key' | 'oauth';
    outcome: 'success' | 'error';
    code: string;
    seconds: number;
  }): void {
    const { tool, caller, outcome, code } = input;
    this.toolCalls.inc({ tool, caller, outcome, code });
    this.toolCallDuration.observe({ tool, outcome }, input.seconds);
  }

  chatMessage(role: string): void {
    this.chatMessages.inc({ role });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
