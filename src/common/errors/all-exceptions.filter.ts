import { ArgumentsHost, Catch, ExceptionFilter, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { describeError, safeError, type DescribedError } from './describe-error';
import { ERROR_OBSERVERS, type ErrorObserver } from './error-observer';
import type { ErrorResponseDto } from './error-response.dto';
import { requestId } from '../logging/logging.module';
import type { AppRequest } from '../auth/principal';

/** Turns every error (domain, HTTP, body-parser, unknown) into `ErrorResponseDto`. */
@Catch()
@Injectable()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(@Inject(ERROR_OBSERVERS) private readonly observers: ErrorObserver[]) {}

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
    }
    const observed = {
      exception,
      status,
      code,
      requestId: id,
      method: req.method,
      route: routeOf(req),
      request: req as AppRequest,
    };
    for (const observer of this.observers) observer.observe(observed);
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    res.status(status).json(this.body({ status, code, message, details }, id));
  }

  /** The one error body; an API that must speak another wire format overrides this. */
  protected body(e: DescribedError, requestId: string): object {
    const body: ErrorResponseDto = {
      statusCode: e.status,
      error: STATUS_CODES[e.status] ?? 'Error',
      code: e.code,
      message: e.message,
      requestId,
      ...(e.details ? { details: e.details } : {}),
    };
    return body;
  }
}

/** The route template (`/api/gpt/devis/:id`), never the path with its ids. */
function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? route : 'unmatched';
}
