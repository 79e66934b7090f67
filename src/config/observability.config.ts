import { registerAs } from '@nestjs/config';
import { IsOptional, IsString, MinLength } from 'class-validator';
import { validateEnv } from './validate-env';

class ObservabilityEnv {
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;
}

export interface ObservabilityConfig {
  /** Bearer token Prometheus sends to GET /metrics; unset: /metrics is off (404). */
  metricsToken: string | null;
}

export const observabilityConfig = registerAs('observability', (): ObservabilityConfig => ({
  metricsToken: validateEnv(ObservabilityEnv).METRICS_TOKEN ?? null,
}));
