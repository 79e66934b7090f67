import { DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { ERROR_OBSERVERS, type ErrorObserver } from './errors/error-observer';
import { LifecycleState } from './lifecycle/lifecycle.state';
import { createValidationPipe } from './http/validation.pipe';
import { RateLimitModule, RateLimitStorageModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';

export interface CommonModuleOptions {
  /**
   * Providers the error filter tells about each error it answers (metrics, error reporting),
   * from modules that make them injectable everywhere (global): common/ imports no feature.
   */
  errorObservers: Type<ErrorObserver>[];
}

/**
 * Cross-cutting wiring: the one access guard (deny by default), the error filter, validation,
 * Redis and the rate-limit storage every module counts its limits in.
 */
@Global()
@Module({})
export class CommonModule {
  static forRoot({ errorObservers }: CommonModuleOptions): DynamicModule {
    return {
      module: CommonModule,
      imports: [RedisModule, RateLimitStorageModule, RateLimitModule],
      providers: [
        LifecycleState,
        {
          provide: ERROR_OBSERVERS,
          useFactory: (...observers: ErrorObserver[]) => observers,
          inject: errorObservers,
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [LifecycleState, RateLimitStorageModule, ERROR_OBSERVERS],
    };
  }
}
