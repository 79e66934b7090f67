import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import { DomainException } from '../errors/domain.exception';

/** @nestjs/throttler's guard, answering 429 in the common error shape with Retry-After. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = String(Math.max(1, detail.timeToBlockExpire));
    throw DomainException.rateLimited(
      `Rate limit of ${detail.limit} requests exceeded; retry in ${retryAfter} s`,
      retryAfter,
    );
  }
}
