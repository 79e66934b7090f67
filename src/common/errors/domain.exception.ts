import { ERROR_STATUS, ErrorCode } from './error-code';

export interface FieldError {
  field: string;
  messages: string[];
}

export interface DomainExceptionOptions {
  /** One entry per field at fault, for VALIDATION_FAILED. */
  details?: FieldError[];
  /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
  headers?: Record<string, string>;
}

/** `Validation failed: a, b`: the message for a list of field errors (each field once). */
export function validationMessage(details: FieldError[]): string {
  return `Validation failed: ${[...new Set(details.map((d) => d.field))].join(', ')}`;
}

/**
 * Services throw this; the global filter turns it into the one error body.
 * `message` is shown to the caller, so it must never contain a secret.
 */
export class DomainException extends Error {
  readonly details?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DomainExceptionOptions = {},
  ) {
    super(message);
    this.name = 'DomainException';
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what: string): DomainException {
    return new DomainException('NOT_FOUND', `${what} not found`);
  }

  /** VALIDATION_FAILED for field errors, with the pipe's message (`Validation failed: …`). */
  static validation(details: FieldError[]): DomainException {
    return new DomainException('VALIDATION_FAILED', validationMessage(details), {
      details,
    });
  }

  /** VALIDATION_FAILED for one field; `message` defaults to the field's problem. */
  static invalidField(field: string, problem: string, message = problem): DomainException {
    return new DomainException('VALIDATION_FAILED', message, {
      details: [{ field, messages: [problem] }],
    });
  }

  /** 429 RATE_LIMITED with `Retry-After` in seconds. */
  static rateLimited(message: string, retryAfterSeconds: number | string): DomainException {
    return new DomainException('RATE_LIMITED', message, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
