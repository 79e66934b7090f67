import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class OAuthEnv {
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(86_400)
  OAUTH_ACCESS_TOKEN_TTL_SECONDS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  OAUTH_REFRESH_TOKEN_TTL_DAYS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  OAUTH_RATE_LIMIT_PER_HOUR?: number;
}

export interface OAuthConfig {
  /** Lifetime of an access token (revoking the grant ends it at once). */
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Tool calls per hour for one person through one assistant (OAuth client). */
  rateLimitPerHour: number;
}

export const oauthConfig = registerAs('oauth', (): OAuthConfig => {
  const v = validateEnv(OAuthEnv);
  return {
    accessTokenTtlSeconds: v.OAUTH_ACCESS_TOKEN_TTL_SECONDS ?? 3_600,
    refreshTokenTtlSeconds: (v.OAUTH_REFRESH_TOKEN_TTL_DAYS ?? 30) * 86_400,
    rateLimitPerHour: v.OAUTH_RATE_LIMIT_PER_HOUR ?? 300,
  };
});
