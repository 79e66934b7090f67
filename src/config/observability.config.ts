import { registerAs } from '@nestjs/config';
import {
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { validateEnv } from './validate-env';

class ObservabilityEnv {
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'SENTRY_DSN must be a URL' },
  )
  // The SDK silently drops events for a DSN without its public key or project id.
  @Matches(/^https?:\/\/[^/@:]+(:[^/@]*)?@[^/]+\/(.+\/)?\d+\/?$/, {
    message: 'SENTRY_DSN must look like https://<public key>@<host>/<project id>',
  })
  SENTRY_DSN?: string;

  @IsOptional()
  @Matches(/^[\w.-]{1,64}$/, {
    message: 'SENTRY_ENVIRONMENT must be 1-64 characters of letters, digits, _, . and -',
  })
  SENTRY_ENVIRONMENT?: string;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SENTRY_TRACES_SAMPLE_RATE?: number;

  @IsOptional()
  @IsString()
  NODE_ENV?: string;
}

export interface SentryConfig {
  dsn: string;
  environment: string;
  /** Share of requests sent as performance transactions; 0 sends errors only. */
  tracesSampleRate: number;
}

export interface ObservabilityConfig {
  /** Bearer token Prometheus sends to GET /metrics; unset: /metrics is off (404). */
  metricsToken: string | null;
  /** Error reporting to Sentry; null (SENTRY_DSN unset): off, the SDK is never loaded. */
  sentry: SentryConfig | null;
}

export function loadObservabilityConfig(env: NodeJS.ProcessEnv = process.env): ObservabilityConfig {
  const v = validateEnv(ObservabilityEnv, env);
  return {
    metricsToken: v.METRICS_TOKEN ?? null,
    sentry: v.SENTRY_DSN
      ? {
          dsn: v.SENTRY_DSN,
          environment: v.SENTRY_ENVIRONMENT ?? v.NODE_ENV ?? 'development',
          tracesSampleRate: v.SENTRY_TRACES_SAMPLE_RATE ?? 0,
        }
      : null,
  };
}

export const observabilityConfig = registerAs('observability', () => loadObservabilityConfig());
