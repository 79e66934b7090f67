import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { isDatabaseUnavailable, isUnstorableInput } from './database-unavailable';
import { DomainException, type FieldError } from './domain.exception';
import { ERROR_STATUS, type ErrorCode } from './error-code';

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

export interface DescribedError {
  status: number;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
  headers?: Record<string, string>;
}

/**
 * What any error (domain, HTTP, body-parser, database, unknown) means for a caller: the one
 * status, code and message of the error body. Shared by the HTTP filter and the MCP tools, so
 * a tool error carries the same code as the REST route's. Unknown errors say nothing of their
 * internals.
 */
export function describeError(exception: unknown): DescribedError {
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

/**
 * What of an unknown error may be logged: never its enumerable extras (a TypeORM
 * QueryFailedError carries the query's parameters, which may be secrets).
 */
export function safeError(exception: unknown) {
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
