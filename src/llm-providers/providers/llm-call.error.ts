import { APICallError, RetryError } from 'ai';
import { DomainException } from '../../common/errors/domain.exception';
import type { ErrorCode } from '../../common/errors/error-code';

export type LlmCallFailure =
  | 'key_rejected'
  | 'rate_limited'
  | 'upstream_error'
  | 'request_refused'
  | 'timeout'
  | 'client_aborted';

/** The code stored in llm_usage_logs.error_code for each failure. */
const ERROR_CODES: Record<LlmCallFailure, string> = {
  key_rejected: 'PROVIDER_KEY_REJECTED',
  rate_limited: 'PROVIDER_RATE_LIMITED',
  upstream_error: 'PROVIDER_ERROR',
  request_refused: 'PROVIDER_REFUSED_REQUEST',
  timeout: 'PROVIDER_TIMEOUT',
  client_aborted: 'CLIENT_ABORTED',
};

/** The API's answer to each failure: 429 with the provider's Retry-After, 504, else 502. */
const HTTP_CODES: Record<LlmCallFailure, ErrorCode> = {
  key_rejected: 'LLM_PROVIDER_KEY_REJECTED',
  rate_limited: 'RATE_LIMITED',
  upstream_error: 'LLM_PROVIDER_ERROR',
  request_refused: 'LLM_PROVIDER_ERROR',
  timeout: 'LLM_PROVIDER_TIMEOUT',
  client_aborted: 'LLM_PROVIDER_ERROR',
};

/**
 * A failed provider call, already classified, and the API's error for it (a DomainException:
 * the global filter answers it like any other). Its message is written by us and never
 * contains the provider's error body (which may echo the key or the prompt).
 */
export class LlmCallError extends DomainException {
  constructor(
    readonly failure: LlmCallFailure,
    message: string,
    readonly retryAfter?: string,
    readonly upstreamStatus?: number,
  ) {
    super(HTTP_CODES[failure], message, {
      headers: failure === 'rate_limited' && retryAfter ? { 'Retry-After': retryAfter } : undefined,
    });
    this.name = 'LlmCallError';
  }

  get errorCode(): string {
    return ERROR_CODES[this.failure];
  }

  /** llm_usage_logs.status of the call. */
  get logStatus(): 'error' | 'rate_limited' {
    return this.failure === 'rate_limited' ? 'rate_limited' : 'error';
  }

  /** 5xx and network errors are worth another try; nothing else is. */
  get retryable(): boolean {
    return this.failure === 'upstream_error';
  }

  /** Sorts whatever the SDK (or fetch) threw into one of the failures above. */
  static classify(
    err: unknown,
    provider: string,
    flags: { timedOut: boolean; clientAborted: boolean },
  ): LlmCallError {
    if (err instanceof LlmCallError) return err;
    if (flags.clientAborted) {
      return new LlmCallError('client_aborted', 'The client closed the connection');
    }
    if (flags.timedOut) {
      return new LlmCallError('timeout', `${provider} did not answer in time`);
    }
    const cause = RetryError.isInstance(err) ? err.lastError : err;
    if (APICallError.isInstance(cause) && cause.statusCode !== undefined) {
      const status = cause.statusCode;
      if (status === 401 || status === 403) {
        return new LlmCallError(
          'key_rejected',
          `${provider} rejected the key (HTTP ${status}): check or replace it`,
          undefined,
          status,
        );
      }
      if (status === 429) {
        const retryAfter = header(cause.responseHeaders, 'retry-after');
        return new LlmCallError(
          'rate_limited',
          `${provider} is rate-limiting this key: retry later`,
          retryAfter,
          status,
        );
      }
      if (status < 400) {
        // The answer started (HTTP 200) and then broke: a dropped connection mid-body.
        return new LlmCallError('upstream_error', `${provider} broke off its answer`);
      }
      if (status >= 500) {
        return new LlmCallError(
          'upstream_error',
          `${provider} failed (HTTP ${status})`,
          undefined,
          status,
        );
      }
      return new LlmCallError(
        'request_refused',
        `${provider} refused the request (HTTP ${status}): check the model name and parameters`,
        undefined,
        status,
      );
    }
    // fetch failures (connection refused/reset), a cut stream or an unparsable answer.
    return new LlmCallError('upstream_error', `${provider} could not be reached or answered badly`);
  }
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}
