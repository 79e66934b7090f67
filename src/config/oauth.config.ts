import { registerAs } from '@nestjs/config';
import { OptionalInt, validateEnv } from './validate-env';

class OAuthEnv {
  @OptionalInt({ min: 60, max: 86_400 })
  OAUTH_ACCESS_TOKEN_TTL_SECONDS?: number;

  @OptionalInt({ min: 1, max: 365 })
  OAUTH_REFRESH_TOKEN_TTL_DAYS?: number;

  @OptionalInt({ min: 1, max: 1_000_000 })
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
