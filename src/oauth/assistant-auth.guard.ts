import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { readBearer } from '../common/auth/bearer-token';
import type { AppRequest } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import type { ErrorCode } from '../common/errors/error-code';
import { RateLimitStorage } from '../common/rate-limit/rate-limit.storage';
import { gptConfig, oauthConfig } from '../config';
import { GptKeyGuard } from '../gpt-keys/gpt-key.guard';
import { UsersService } from '../users/users.service';
import { OAuthServer } from './oauth-server';

/**
 * `@Auth('assistant')`: a GPT key (handed to GptKeyGuard: key, hourly limit, usage) or an OAuth
 * access token Passerelle issued for this resource, for an active person (per person and client
 * hourly limit, same headers and 429 as keys). Every refusal carries the RFC 9728 challenge that
 * sends an MCP client to the protected-resource metadata, where its sign-in starts.
 */
@Injectable()
export class AssistantAuthGuard implements CanActivate {
  constructor(
    private readonly gptKeys: GptKeyGuard,
    private readonly oauth: OAuthServer,
    private readonly users: UsersService,
    private readonly limits: RateLimitStorage,
    @Inject(gptConfig.KEY) private readonly gpt: ConfigType<typeof gptConfig>,
    @Inject(oauthConfig.KEY) private readonly config: ConfigType<typeof oauthConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<AppRequest>();
    const res = http.getResponse<Response>();
    const { present, token } = readBearer(req);
    if (!present) {
      throw this.refuse('AUTH_REQUIRED', 'Sign in: send Authorization: Bearer <token>');
    }
    if (token?.startsWith(this.gpt.keyPrefix)) {
      try {
        return await this.gptKeys.canActivate(context);
      } catch (err) {
        if (err instanceof DomainException && err.status === 401) {
          throw this.refuse(err.code, err.message, 'invalid_token');
        }
        throw err;
      }
    }
    const verified = token ? await this.oauth.verifyAccessToken(token) : null;
    if (!verified) {
      throw this.refuse(
        'OAUTH_TOKEN_INVALID',
        'The access token is unknown, expired, revoked or for another resource: sign in again',
        'invalid_token',
      );
    }
    const user = await this.users.findById(verified.accountId);
    if (!user?.isActive) {
      throw this.refuse('OAUTH_TOKEN_INVALID', 'This account is disabled', 'invalid_token');
    }
    req.principal = {
      kind: 'oauth',
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      clientId: verified.clientId,
      clientName: verified.clientName,
      scopes: verified.scopes,
      grantId: verified.grantId,
      expiresAt: verified.expiresAt,
    };

    await this.limits.consumeHourly(
      res,
      `oauth:${user.id}:${verified.clientId}`,
      this.config.rateLimitPerHour,
      'for you in this assistant',
    );
    return true;
  }

  private refuse(code: ErrorCode, message: string, oauthError?: string) {
    const header = this.oauth.challenge(
      oauthError ? { code: oauthError, description: message } : undefined,
    );
    return new DomainException(code, message, { headers: { 'WWW-Authenticate': header } });
  }
}
