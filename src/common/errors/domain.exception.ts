import { ERROR_STATUS, ErrorCode } from './error-code';

export interface FieldError {
  field: string;
  messages: string[];
}

/**
 * Services throw this; the global filter turns it into the one error body.
 * `message` is shown to the caller, so it must never contain a secret.
 */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainException';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what: string): DomainException {
    return new DomainException('NOT_FOUND', `${what} not found`);
  }
}
