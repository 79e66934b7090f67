import { ArgumentsHost, Catch, ExceptionFilter, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { describeError, safeError } from './describe-error';
import type { ErrorCode } from './error-code';
import type { ErrorResponseDto } from './error-response.dto';
import { requestId } from '../logging/logging.module';
import { MetricsService } from '../../metrics/metrics.service';
import { ErrorReportingService } from '../../observability/error-reporting.service';
import type { AppRequest } from '../auth/principal';

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
    const { status, code, message, details, headers } = describeError(exception);
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
      this.metrics.authFailure(
        code.startsWith('GPT_KEY') ? 'gpt-key' : code.startsWith('OAUTH') ? 'oauth' : 'user',
        code,
      );
      return;
    }
    const keyId = req.principal?.kind === 'gpt-key' ? req.principal.key.id : '';
    this.metrics.rateLimitRejected(routeOf(req), keyId);
  }
}

/** The route template (`/api/gpt/devis/:id`), never the path with its ids. */
function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? route : 'unmatched';
}
