import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RateLimitGuard } from './rate-limit.guard';

/**
 * Limits a login-like route per client IP and per submitted email (@nestjs/throttler).
 * Applied per route rather than globally, so other routes pay nothing for it.
 */
export const LoginRateLimit = () =>
  applyDecorators(
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: 'Too many attempts; see Retry-After',
    }),
  );
