import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { LifecycleState } from './lifecycle/lifecycle.state';
import { createValidationPipe } from './http/validation.pipe';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';

/**
 * Cross-cutting wiring. Guards run in the order listed: authenticate first, so the
 * rate limit can count per GPT key.
 */
@Global()
@Module({
  imports: [RedisModule, RateLimitModule],
  providers: [
    LifecycleState,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [LifecycleState],
})
export class CommonModule {}
