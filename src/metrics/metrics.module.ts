import { Global, Module } from '@nestjs/common';
import { DatabasePoolStats } from '../database/kit/pool-stats';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics; global so any module can record through MetricsService. configureApp
 * mounts HttpMetricsMiddleware on every request.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetricsMiddleware, DatabasePoolStats],
  exports: [MetricsService, HttpMetricsMiddleware],
})
export class MetricsModule {}
