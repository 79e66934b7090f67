import { Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator';
import { RouteParamsFactory } from '@nestjs/core/router/route-params-factory';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AppRequest, AssistantCaller } from '../common/auth/principal';
import { describeError, safeError } from '../common/errors/describe-error';
import { DomainException } from '../common/errors/domain.exception';
import type { ErrorCode } from '../common/errors/error-code';
import {
  GPT_ACTION_EXTENSION,
  GPT_ACTION_METADATA,
  type GptActionOptions,
  toolAnnotations,
  type ToolAnnotations,
} from '../gpt-schema/gpt-action.decorator';
import { OpenApiDocumentStore } from '../gpt-schema/openapi-document.store';
import { ErrorReportingService } from '../observability/error-reporting.service';
import { ToolCallRecorder } from './tool-call.recorder';
import { type ArgumentPlan, type JsonSchema, toolSchemasFor } from './tool-schemas';

/** A tool as `tools/list` shows it. */
export interface ToolDescriptor {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  annotations: ToolAnnotations;
}

export type ToolOutcome =
  | { ok: true; value: unknown }
  | { ok: false; code: ErrorCode; message: string; details?: DomainException['details'] };

/** Who calls, and the HTTP exchange the call arrived in (rate-limit headers, request id). */
export interface ToolCaller {
  principal: AssistantCaller;
  request: AppRequest;
  response: Response;
}

type Invoke = (req: object, res: object, next: () => void) => Promise<unknown>;

interface AssistantTool {
  descriptor: ToolDescriptor;
  options: GptActionOptions;
  plan: ArgumentPlan;
  method: string;
  path: string;
  invoke: Invoke;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The assistant actions, declared once with `@GptAction()` on their routes, as MCP tools.
 * Name, description and annotations come from the decorator; input and output schemas from
 * the same OpenAPI operation /docs and the Action schema show; a call runs the route's own
 * handler through Nest's pipes (the global ValidationPipe validates the same DTOs the same way)
 * and interceptors, with the caller's principal in place of the HTTP guard's. Errors keep the
 * route's codes.
 */
@Injectable()
export class AssistantTools implements OnApplicationBootstrap {
  private readonly logger = new Logger(AssistantTools.name);
  private tools?: Map<string, AssistantTool>;
  private handlers?: Map<string, { options: GptActionOptions; invoke: Invoke }>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly contexts: ExternalContextCreator,
    private readonly documents: OpenApiDocumentStore,
    private readonly calls: ToolCallRecorder,
    @Optional() private readonly errors?: ErrorReportingService,
  ) {}

  /** Fails boot when an action cannot become a tool (the same check the Action schema makes). */
  onApplicationBootstrap(): void {
    this.handlers = this.discoverHandlers();
    if (this.documents.get()) this.all();
  }

  /** Every tool, in the order of the API document. */
  list(): ToolDescriptor[] {
    return [...this.all().values()].map((t) => t.descriptor);
  }

  has(name: string): boolean {
    return this.all().has(name);
  }

  options(name: string): GptActionOptions | undefined {
    return this.all().get(name)?.options;
  }

  async call(name: string, args: unknown, caller: ToolCaller): Promise<ToolOutcome> {
    const tool = this.all().get(name);
    if (!tool) throw new Error(`unknown tool ${name}`);
    const calledAt = new Date();
    const started = performance.now();
    const requestId = String(caller.request.id);
    let outcome: ToolOutcome;
    try {
      const req = requestFor(tool, args, caller);
      const value = await tool.invoke(req, responseSink(caller.response), () => undefined);
      outcome = { ok: true, value };
    } catch (err) {
      const e = describeError(err);
      if (e.status >= 500 && e.code !== 'DATABASE_UNAVAILABLE') {
        this.logger.error({ err: safeError(err), requestId, tool: name }, 'Tool call failed');
        this.errors?.report(err, { requestId, method: 'tools/call', route: name });
      }
      outcome = { ok: false, code: e.code, message: e.message, details: e.details };
    }
    this.calls.record({
      tool: name,
      principal: caller.principal,
      calledAt,
      durationMs: performance.now() - started,
      errorCode: outcome.ok ? null : outcome.code,
      requestId,
    });
    return outcome;
  }

  private all(): Map<string, AssistantTool> {
    if (this.tools) return this.tools;
    const document = this.documents.get();
    if (!document) throw new Error('The API document is not built yet (configureApp)');
    this.tools = this.build(document, this.handlers ?? this.discoverHandlers());
    return this.tools;
  }

  private build(
    document: OpenAPIObject,
    handlers: Map<string, { options: GptActionOptions; invoke: Invoke }>,
  ): Map<string, AssistantTool> {
    const tools = new Map<string, AssistantTool>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = (item as Record<string, Record<string, unknown> | undefined>)[method];
        if (!operation?.[GPT_ACTION_EXTENSION]) continue;
        const name = String(operation.operationId);
        const handler = handlers.get(name);
        if (!handler) throw new Error(`GPT action ${name}: no handler carries its @GptAction()`);
        let schemas: ReturnType<typeof toolSchemasFor>;
        try {
          schemas = toolSchemasFor(operation, document);
        } catch (err) {
          throw new Error(`GPT action ${name} cannot become an MCP tool: ${String(err)}`);
        }
        const { options } = handler;
        tools.set(name, {
          descriptor: {
            name,
            title: options.title,
            description: options.summary,
            inputSchema: schemas.input,
            outputSchema: schemas.output,
            annotations: toolAnnotations(options),
          },
          options,
          plan: schemas.plan,
          method: method.toUpperCase(),
          path,
          invoke: handler.invoke,
        });
      }
    }
    const missing = [...handlers.keys()].filter((name) => !tools.has(name));
    if (missing.length) throw new Error(`GPT actions missing from the API document: ${missing}`);
    return tools;
  }

  private discoverHandlers(): Map<string, { options: GptActionOptions; invoke: Invoke }> {
    const found = new Map<string, { options: GptActionOptions; invoke: Invoke }>();
    const route = new RouteParamsFactory();
    // ExternalContextCreator hands the factory the call's arguments as an array.
    const params = {
      exchangeKeyForValue: (type: number, data: never, [req, res, next]: unknown[]) =>
        route.exchangeKeyForValue(type, data, { req, res, next } as never),
    };
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const callback = prototype[methodName] as (...args: unknown[]) => unknown;
        const options = this.reflector.get<GptActionOptions | undefined>(
          GPT_ACTION_METADATA,
          callback,
        );
        if (!options) continue;
        assertToolCompatible(instance.constructor, methodName, options.operationId);
        const invoke = this.contexts.create(
          instance,
          callback,
          methodName,
          ROUTE_ARGS_METADATA,
          params,
          undefined,
          undefined,
          // The /mcp route's guard already authenticated and counted the caller; errors come
          // back here to become tool results instead of going through the HTTP filter.
          { guards: false, interceptors: true, filters: false },
          'http',
        ) as unknown as Invoke;
        if (found.has(options.operationId)) {
          throw new Error(`Two routes declare the GPT action ${options.operationId}`);
        }
        found.set(options.operationId, { options, invoke });
      }
    }
    return found;
  }
}

/**
 * A handler that writes the response itself (`@Res()` without passthrough) or reads the raw
 * request cannot run outside an HTTP exchange: refuse it at boot rather than at the first call.
 */
function assertToolCompatible(controller: unknown, methodName: string, operationId: string) {
  const target = controller as object;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target, methodName) ?? {}) as object;
  const passthrough = Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, target, methodName);
  for (const key of Object.keys(args)) {
    const type = Number(key.split(':')[0]);
    if (type === RouteParamtypes.RESPONSE && !passthrough) {
      throw new Error(`GPT action ${operationId}: use @Res({ passthrough: true }) or no @Res()`);
    }
    if (type === RouteParamtypes.REQUEST || type === RouteParamtypes.NEXT) {
      throw new Error(`GPT action ${operationId}: a tool handler cannot take @Req() or @Next()`);
    }
  }
}

/** The request the route's parameter decorators read: arguments split as the route takes them. */
function requestFor(tool: AssistantTool, args: unknown, caller: ToolCaller): object {
  const input = args ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new DomainException('VALIDATION_FAILED', 'Tool arguments must be a JSON object');
  }
  const { plan } = tool;
  const params: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (plan.path.includes(name)) params[name] = pathValue(name, value);
    else if (plan.query.includes(name)) query[name] = value;
    else if (plan.hasBody) body[name] = value;
    else unknown.push(name);
  }
  const missing = plan.path.filter((name) => params[name] === undefined);
  if (unknown.length || missing.length) {
    const details = [
      ...missing.map((field) => ({ field, messages: [`${field} should not be empty`] })),
      ...unknown.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
    ];
    throw DomainException.validation(details);
  }
  return {
    principal: caller.principal,
    id: caller.request.id,
    method: tool.method,
    url: tool.path,
    params,
    query,
    body: plan.hasBody ? body : undefined,
    headers: {},
  };
}

function pathValue(field: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw DomainException.invalidField(
    field,
    `${field} must be a non-empty string`,
    `Validation failed: ${field}`,
  );
}

/**
 * What a handler's `@Res({ passthrough: true })` gets: it reads the exchange's headers (the
 * rate-limit window the guard set) but its writes stay out of the MCP HTTP response, whose
 * status and headers belong to the protocol.
 */
function responseSink(response: Response): object {
  const written: Record<string, unknown> = {};
  const sink = {
    getHeader: (name: string) => written[name.toLowerCase()] ?? response.getHeader(name),
    setHeader: (name: string, value: unknown) => {
      written[name.toLowerCase()] = value;
      return sink;
    },
    header: (name: string, value: unknown) => sink.setHeader(name, value),
    status: () => sink,
  };
  return sink;
}
