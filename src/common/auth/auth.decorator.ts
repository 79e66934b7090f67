import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import type {
  AppRequest,
  AssistantCaller,
  AuthenticatedGptKey,
  AuthenticatedUser,
} from './principal';

/**
 * Who may call a route. Roles are ranked: `admin` ⊃ `staff` ⊃ `user`.
 * `gpt-key` is a GPT Action's Bearer key, rate-limited per key. `assistant` is a GPT key or an
 * OAuth 2.1 access token of a person (issued by Passerelle for the MCP server).
 */
export type AccessPolicy = 'gpt-key' | 'assistant' | 'user' | 'staff' | 'admin';

export const ACCESS_POLICY = 'passerelle:access-policy';
export const IS_PUBLIC = 'passerelle:public';

export const GPT_KEY_SECURITY = 'gptKey';
export const USER_TOKEN_SECURITY = 'userToken';
export const OAUTH_SECURITY = 'oauth2';

/**
 * The one auth decorator. Every route is denied unless it carries `@Auth(...)` or `@Public()`.
 * It also writes the Swagger security entry, so docs and code cannot drift apart.
 */
export function Auth(policy: AccessPolicy) {
  const decorators = [
    SetMetadata(ACCESS_POLICY, policy),
    ...(policy === 'assistant'
      ? [ApiBearerAuth(GPT_KEY_SECURITY), ApiBearerAuth(OAUTH_SECURITY)]
      : [ApiBearerAuth(policy === 'gpt-key' ? GPT_KEY_SECURITY : USER_TOKEN_SECURITY)]),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'Missing or invalid credentials',
    }),
  ];
  if (policy === 'gpt-key' || policy === 'assistant') {
    decorators.push(
      ApiTooManyRequestsResponse({
        type: ErrorResponseDto,
        description: 'Hourly limit of the key reached; see Retry-After',
      }),
    );
  } else if (policy !== 'user') {
    decorators.push(
      ApiForbiddenResponse({ type: ErrorResponseDto, description: `Requires role ${policy}` }),
    );
  }
  return applyDecorators(...decorators);
}

/** Opts a route out of authentication. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The logged-in user of a route guarded by `@Auth('user' | 'staff' | 'admin')`. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthenticatedUser => {
    const principal = ctx.switchToHttp().getRequest<AppRequest>().principal;
    if (principal?.kind !== 'user')
      throw new Error('CurrentUser used on a route without user auth');
    return principal.user;
  },
);

/**
 * Who calls an assistant action (a GPT key, or a person through OAuth): routes marked
 * `@GptAction()` take this, since the MCP server calls them for both.
 */
export const CurrentCaller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AssistantCaller => {
    const principal = ctx.switchToHttp().getRequest<AppRequest>().principal;
    if (principal?.kind !== 'gpt-key' && principal?.kind !== 'oauth')
      throw new Error('CurrentCaller used on a route without assistant auth');
    return principal;
  },
);

/** The GPT key of a route guarded by `@Auth('gpt-key')`. */
export const CurrentGptKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthenticatedGptKey => {
    const principal = ctx.switchToHttp().getRequest<AppRequest>().principal;
    if (principal?.kind !== 'gpt-key')
      throw new Error('CurrentGptKey used on a route without GPT key auth');
    return principal.key;
  },
);
