import { ExecutionContext, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import { authConfig, gptConfig } from '../../config';
import { ACCESS_POLICY, AccessPolicy } from '../auth/auth.decorator';
import type { AppRequest } from '../auth/principal';
import { LOGIN_RATE_LIMIT } from './rate-limit.decorator';
import { RateLimitStorage } from './rate-limit.storage';

const reflector = new Reflector();
const HOUR_MS = 3_600_000;

const policyOf = (ctx: ExecutionContext) =>
  reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
    ctx.getHandler(),
    ctx.getClass(),
  ]);
const isLogin = (ctx: ExecutionContext) =>
  reflector.getAllAndOverride<boolean>(LOGIN_RATE_LIMIT, [ctx.getHandler(), ctx.getClass()]) ===
  true;
const requestOf = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AppRequest>();
const gptKeyOf = (ctx: ExecutionContext) => {
  const principal = requestOf(ctx).principal;
  if (principal?.kind !== 'gpt-key') throw new Error('GPT rate limit on a request without a key');
  return principal.key;
};

/**
 * Named throttlers. `default` is the GPT key's hourly limit (so its headers are the plain
 * X-RateLimit-*), counted per key across all GPT routes, with the limit read from the key.
 * `login-ip` and `login-email` slow down password guessing.
 */
function throttlers(
  gpt: ConfigType<typeof gptConfig>,
  auth: ConfigType<typeof authConfig>,
): ThrottlerOptions[] {
  return [
    {
      name: 'default',
      ttl: HOUR_MS,
      limit: (ctx) => gptKeyOf(ctx).rateLimitPerHour ?? gpt.defaultRateLimit,
      skipIf: (ctx) => policyOf(ctx) !== 'gpt-key',
      getTracker: (_req, ctx) => gptKeyOf(ctx).id,
      generateKey: (_ctx, tracker) => `gpt-key:${tracker}`,
    },
    {
      name: 'login-ip',
      ttl: auth.loginWindowMs,
      limit: auth.loginMaxPerIp,
      skipIf: (ctx) => !isLogin(ctx),
      getTracker: (req) => String(req.ip ?? 'unknown'),
      generateKey: (_ctx, tracker) => `login-ip:${tracker}`,
    },
    {
      name: 'login-email',
      ttl: auth.loginWindowMs,
      limit: auth.loginMaxPerEmail,
      skipIf: (ctx) => !isLogin(ctx),
      getTracker: (req) => {
        const email = (req.body as { email?: unknown } | undefined)?.email;
        return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '-';
      },
      generateKey: (_ctx, tracker) => `login-email:${tracker}`,
    },
  ];
}

@Module({
  providers: [RateLimitStorage],
  exports: [RateLimitStorage],
})
class RateLimitStorageModule {}

export const RateLimitModule = ThrottlerModule.forRootAsync({
  imports: [RateLimitStorageModule],
  inject: [gptConfig.KEY, authConfig.KEY, RateLimitStorage],
  useFactory: (
    gpt: ConfigType<typeof gptConfig>,
    auth: ConfigType<typeof authConfig>,
    storage: RateLimitStorage,
  ) => ({
    throttlers: throttlers(gpt, auth),
    storage,
    errorMessage: 'Too many requests: slow down and retry after the time given in Retry-After',
  }),
});
