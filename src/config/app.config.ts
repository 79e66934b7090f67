import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { resolve } from 'node:path';
import { OptionalInt, toList, validateEnv } from './validate-env';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class AppEnv {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @OptionalInt({ min: 0, max: 65535 })
  PORT?: number;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  APP_URL?: string;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT?: string;

  @OptionalInt({ min: 0, max: 600_000 })
  SHUTDOWN_GRACE_MS?: number;

  @OptionalInt({ min: 1_000, max: 600_000 })
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @IsOptional()
  @Matches(/^(true|false|loopback|\d{1,2})$/, {
    message: 'TRUST_PROXY must be true, false, loopback or a number of proxy hops',
  })
  TRUST_PROXY?: string;
}

export interface AppConfig {
  nodeEnv: (typeof NODE_ENVS)[number];
  isProduction: boolean;
  port: number;
  appUrl: string;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  corsOrigins: string[];
  bodyLimit: string;
  shutdownGraceMs: number;
  /**
   * How long an idle keep-alive connection stays open. Longer than the proxy's own upstream
   * idle timeout (60 s for nginx, AWS ALB and ingress-nginx), so the proxy never reuses a
   * connection the app is closing at that very moment (a 502 for the client).
   */
  keepAliveTimeoutMs: number;
  /** Express "trust proxy": which X-Forwarded-For hops to believe for client IPs. */
  trustProxy: boolean | number | string;
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const v = validateEnv(AppEnv, env);
  const nodeEnv = v.NODE_ENV ?? 'development';
  const port = v.PORT ?? 3000;
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    port,
    appUrl: (v.APP_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir: resolve(v.DATA_DIR ?? './data'),
    logLevel: v.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    corsOrigins: toList(v.CORS_ORIGINS),
    bodyLimit: v.BODY_LIMIT ?? '1mb',
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS ?? 10_000,
    keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 65_000,
    trustProxy: parseTrustProxy(v.TRUST_PROXY ?? 'loopback'),
  };
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export const appConfig = registerAs('app', () => loadAppConfig());
