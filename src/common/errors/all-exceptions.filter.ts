import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  Optional,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable, isUnstorableInput } from './database-unavailable';
import { DomainException } from './domain.exception';
import { ERROR_STATUS, ErrorCode } from './error-code';
import type { ErrorResponseDto } from './error-response.dto';
import { requestId } from '../logging/logging.module';
import { MetricsService } from '../../metrics/metrics.service';
import { ErrorReportingService } from '../../observability/error-reporting.service';
import type { AppRequest } from '../auth/principal';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'AUTH_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  502: 'LLM_PROVIDER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
  504: 'LLM_PROVIDER_TIMEOUT',
};

/** Turns every error (domain, HTTP, body-parser, unknown) into `ErrorResponseDto`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(
    @Optional() private readonly metrics?: MetricsService,
    @Optional() private readonly errors?: ErrorReportingService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const { status, code, message, details, headers } = this.describe(exception);
    // Body-parser errors happen before the request logger assigns an id.
    if (req.id === undefined && !res.headersSent) req.id = requestId(req, res);
    const id = String(req.id);

    if (code === 'DATABASE_UNAVAILABLE') {
      this.logger.warn({ err: safeError(exception), requestId: id }, 'Database unavailable');
    } else if (status >= 500) {
      this.logger.error({ err: safeError(exception), requestId: id }, 'Unhandled error');
      this.errors?.report(exception, { requestId: id, method: req.method, route: routeOf(req) });
    }
    if (status === 401 || status === 429) this.count(req as AppRequest, status, code);
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    const body: ErrorResponseDto = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      code,
      message,
      requestId: id,
      ...(details ? { details } : {}),
    };
    res.status(status).json(body);
  }

  /** Refused credentials and rate limits, for /metrics (the CLI has no metrics). */
  private count(req: AppRequest, status: number, code: ErrorCode) {
    if (!this.metrics) return;
    if (status === 401) {
      this.metrics.authFailure(code.startsWith('GPT_KEY') ? 'gpt-key' : 'user', code);
      return;
    }
    const keyId = req.principal?.kind === 'gpt-key' ? req.principal.key.id : '';
    this.metrics.rateLimitRejected(routeOf(req), keyId);
  }

  private describe(exception: unknown): {
    status: number;
    code: ErrorCode;
    message: string;
    details?: DomainException['details'];
    headers?: Record<string, string>;
  } {
    if (exception instanceof DomainException) {
      return {
        status: exception.status,
        code: exception.code,
        message: exception.message,
        details: exception.details,
        headers: exception.headers,
      };
    }
    if (exception instanceof ThrottlerException) {
      return {
        status: 429,
        code: 'RATE_LIMITED',
        message: 'Too many requests: slow down and retry later',
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        status,
        code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'),
        message: status >= 500 ? 'Internal server error' : httpMessage(exception, status),
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
        message: 'The service is briefly unavailable; retry in a few seconds',
        headers: { 'Retry-After': '5' },
      };
    }
    if (isUnstorableInput(exception)) {
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: 'A value cannot be stored as given (a NUL character, or too long)',
      };
    }
    // body-parser errors reach us untranslated in some paths; they carry `status`/`type`.
    const e = exception as { status?: number; type?: string } | undefined;
    if (e?.type === 'entity.too.large') {
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' };
    }
    if (e?.type === 'entity.parse.failed') {
      return { status: 400, code: 'BAD_REQUEST', message: 'Request body is not valid JSON' };
    }
    if (e?.type && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return {
        status: e.status,
        code: CODE_BY_STATUS[e.status] ?? 'BAD_REQUEST',
        message: 'Bad request body',
      };
    }
    return { status: ERROR_STATUS.INTERNAL, code: 'INTERNAL', message: 'Internal server error' };
  }
}

/** The route template (`/api/gpt/devis/:id`), never the path with its ids. */
function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? route : 'unmatched';
}

/**
 * What of an unknown error may be logged: never its enumerable extras (a TypeORM
 * QueryFailedError carries the query's parameters, which may be secrets).
 */
function safeError(exception: unknown) {
  if (!(exception instanceof Error)) return { message: String(exception) };
  const code = (exception as { code?: unknown }).code;
  return { type: exception.name, message: exception.message, code, stack: exception.stack };
}

function httpMessage(exception: HttpException, status: number): string {
  if (
    status === HttpStatus.NOT_FOUND &&
    /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(exception.message)
  ) {
    return 'Route not found';
  }
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return 'Request body is too large';
  if (status === HttpStatus.BAD_REQUEST && /JSON/i.test(exception.message)) {
    return 'Request body is not valid JSON';
  }
  const response = exception.getResponse();
  if (typeof response === 'object' && response && 'message' in response) {
    const m = (response as { message: unknown }).message;
    return Array.isArray(m) ? m.join('; ') : String(m);
  }
  return exception.message;
}
