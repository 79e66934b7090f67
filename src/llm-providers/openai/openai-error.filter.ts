import { Catch, Injectable } from '@nestjs/common';
import { AllExceptionsFilter } from '../../common/errors/all-exceptions.filter';
import type { DescribedError } from '../../common/errors/describe-error';

/** OpenAI's error `type` for each HTTP status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/**
 * The OpenAI-compatible routes answer errors as OpenAI does,
 * `{ "error": { "message", "type", "param", "code" } }`, so SDKs raise their usual errors;
 * `code` is Passerelle's code (LLM_BUDGET_EXCEEDED, VALIDATION_FAILED, …), the status and
 * the logging are the app's.
 */
@Catch()
@Injectable()
export class OpenAiErrorFilter extends AllExceptionsFilter {
  protected override body(e: DescribedError, requestId: string): object {
    return {
      error: {
        message: e.message,
        type: openAiErrorType(e.status),
        param: e.details?.[0]?.field ?? null,
        code: e.code,
      },
      request_id: requestId,
    };
  }
}
