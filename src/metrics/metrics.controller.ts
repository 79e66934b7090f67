import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Public } from '../common/auth/auth.decorator';
import { DomainException } from '../common/errors/domain.exception';
import { observabilityConfig } from '../config';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint. Off (404) unless METRICS_TOKEN is set; then the scraper sends
 * `Authorization: Bearer <METRICS_TOKEN>`. Not in the API docs: it is for operators.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(observabilityConfig.KEY)
    private readonly config: ConfigType<typeof observabilityConfig>,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const token = this.config.metricsToken;
    if (!token) throw new DomainException('NOT_FOUND', 'Metrics are off: set METRICS_TOKEN');
    if (!sameSecret(authorization ?? '', `Bearer ${token}`)) {
      throw new DomainException('AUTH_REQUIRED', 'Send Authorization: Bearer <METRICS_TOKEN>', {
        headers: {
          'WWW-Authenticate': 'Bearer realm="passerelle-metrics"',
        },
      });
    }
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await this.metrics.render());
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
