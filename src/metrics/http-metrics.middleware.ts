import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Times every request and counts it by route template (`/api/gpt/devis/:id`, never the raw
 * URL, so ids do not create series); requests no route matched count as `unmatched`.
 * Mounted by configureApp as plain Express middleware ahead of the routes, so `req.route` is
 * the controller route Express matched, if any.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const path = (req.route as { path?: unknown } | undefined)?.path;
      this.metrics.observeRequest(
        req.method,
        typeof path === 'string' ? req.baseUrl + path : 'unmatched',
        res.statusCode,
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  }
}
