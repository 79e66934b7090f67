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
    // Nest mounts this middleware as a catch-all route: if req.route is still that one when
    // the response ends, no controller route matched.
    const own: unknown = req.route;
    res.once('finish', () => {
      const route = req.route as { path?: unknown } | undefined;
      const matched = route !== own && typeof route?.path === 'string';
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
