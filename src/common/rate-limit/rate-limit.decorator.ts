import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';

export const LOGIN_RATE_LIMIT = 'passerelle:login-rate-limit';

/** Limits a login-like route per client IP and per submitted email. */
export const LoginRateLimit = () =>
  applyDecorators(
    SetMetadata(LOGIN_RATE_LIMIT, true),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: 'Too many attempts; see Retry-After',
    }),
  );
