import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Times every request and counts it by route template (`/api/gpt/devis/:id`, never the raw
 * URL, so ids do not create series); requests no route matched count as `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    // Nest mounts module middleware as catch-all routes (this one, the request logger, ...):
    // if the last route Express matched has the catch-all path, no controller route matched,
    // whichever middleware was mounted last.
    const catchAll = (req.route as { path?: unknown } | undefined)?.path;
    res.once('finish', () => {
      const route = req.route as { path?: unknown } | undefined;
      const matched = typeof route?.path === 'string' && route.path !== catchAll;
      this.metrics.observeRequest(
        req.method,
        matched ? req.baseUrl + String(route.path) : 'unmatched',
        res.statusCode,
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  }
}
