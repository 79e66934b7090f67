import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Observable } from 'rxjs';
import { readBearer } from '../common/auth/bearer-token';
import type { AppRequest, AuthenticatedGptKey } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-code';
import { GptKeyUsageRecorder } from './gpt-key-usage.recorder';
import { GptKeysService } from './gpt-keys.service';

@Injectable()
export class GptKeyStrategy extends PassportStrategy(Strategy, 'gpt-key') {
  constructor(private readonly keys: GptKeysService) {
    super();
  }

  validate(token: string): Promise<AuthenticatedGptKey> {
    return this.keys.authenticate(token);
  }
}

/** RFC 6750 challenge; `error` only when a token was sent. */
function challenge(code: ErrorCode | null, description?: string): Record<string, string> {
  const parts = ['realm="passerelle-gpt"'];
  if (code) parts.push('error="invalid_token"', `error_description="${description}"`);
  return { 'WWW-Authenticate': `Bearer ${parts.join(', ')}` };
}

/** Authenticates a GPT Action's Bearer key; 401s say why, without echoing the key. */
@Injectable()
export class GptKeyGuard extends AuthGuard('gpt-key') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const { present, token } = readBearer(context.switchToHttp().getRequest<AppRequest>());
    if (!present) {
      throw new DomainException(
        'GPT_KEY_MISSING',
        'Missing API key: send Authorization: Bearer <your GPT API key>',
        undefined,
        challenge(null),
      );
    }
    if (!token) {
      throw new DomainException(
        'GPT_KEY_MALFORMED',
        'Malformed Authorization header: expected "Bearer <key>"',
        undefined,
        challenge('GPT_KEY_MALFORMED', 'malformed header'),
      );
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(err: unknown, key: T, _info: unknown, context: ExecutionContext): T {
    if (err instanceof DomainException) {
      throw new DomainException(err.code, err.message, undefined, challenge(err.code, err.message));
    }
    if (err) throw err;
    if (!key) {
      throw new DomainException(
        'GPT_KEY_INVALID',
        'Invalid API key',
        undefined,
        challenge('GPT_KEY_INVALID', 'Invalid API key'),
      );
    }
    context.switchToHttp().getRequest<AppRequest>().principal = {
      kind: 'gpt-key',
      key: key as unknown as AuthenticatedGptKey,
    };
    return key;
  }
}

/** Counts each request a GPT key was let through for (after auth and rate limit). */
@Injectable()
export class GptKeyUsageInterceptor implements NestInterceptor {
  constructor(private readonly usage: GptKeyUsageRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = context.switchToHttp().getRequest<AppRequest>().principal;
    if (principal?.kind === 'gpt-key') this.usage.record(principal.key.id);
    return next.handle();
  }
}
