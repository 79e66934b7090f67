import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import { authConfig } from '../../config';
import { RateLimitStorage } from './rate-limit.storage';

/**
 * @nestjs/throttler's named throttlers for login-like routes (`@LoginRateLimit()`), which slow
 * down password guessing per client IP and per submitted email. GPT keys are limited by
 * GptKeyGuard through the same storage (see src/gpt-keys/gpt-key.guard.ts).
 */
function loginThrottlers(auth: ConfigType<typeof authConfig>): ThrottlerOptions[] {
  return [
    {
      name: 'login-ip',
      ttl: auth.loginWindowMs,
      limit: auth.loginMaxPerIp,
      getTracker: (req) => String(req.ip ?? 'unknown'),
      generateKey: (_ctx, tracker) => `login-ip:${tracker}`,
    },
    {
      name: 'login-email',
      ttl: auth.loginWindowMs,
      limit: auth.loginMaxPerEmail,
      getTracker: (req) => {
        const email = (req.body as { email?: unknown } | undefined)?.email;
        return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '-';
      },
      generateKey: (_ctx, tracker) => `login-email:${tracker}`,
    },
  ];
}

/** The fixed-window counters (Redis when REDIS_URL is set), for every limit in the app. */
@Module({
  providers: [RateLimitStorage],
  exports: [RateLimitStorage],
})
export class RateLimitStorageModule {}

export const RateLimitModule = ThrottlerModule.forRootAsync({
  imports: [RateLimitStorageModule],
  inject: [authConfig.KEY, RateLimitStorage],
  useFactory: (auth: ConfigType<typeof authConfig>, storage: RateLimitStorage) => ({
    throttlers: loginThrottlers(auth),
    storage,
    errorMessage: 'Too many requests: slow down and retry after the time given in Retry-After',
  }),
});
