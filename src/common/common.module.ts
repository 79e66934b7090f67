import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { LifecycleState } from './lifecycle/lifecycle.state';
import { createValidationPipe } from './http/validation.pipe';
import { RateLimitModule, RateLimitStorageModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';

/**
 * Cross-cutting wiring: the one access guard (deny by default), the error filter, validation,
 * Redis and the rate-limit storage every module counts its limits in.
 */
@Global()
@Module({
  imports: [RedisModule, RateLimitStorageModule, RateLimitModule],
  providers: [
    LifecycleState,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [LifecycleState, RateLimitStorageModule],
})
export class CommonModule {}
