import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { readBearer } from '../common/auth/bearer-token';
import type { AppRequest, AuthenticatedUser } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import { AuthService } from './auth.service';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="passerelle"' };

@Injectable()
export class UserTokenStrategy extends PassportStrategy(Strategy, 'user-token') {
  constructor(private readonly auth: AuthService) {
    super();
  }

  validate(token: string): Promise<AuthenticatedUser> {
    return this.auth.authenticate(token);
  }
}

/** Authenticates staff/admin/user session tokens; the AccessGuard then checks the role. */
@Injectable()
export class UserTokenGuard extends AuthGuard('user-token') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AppRequest>();
    const { present, token } = readBearer(req);
    if (!present)
      throw new DomainException(
        'AUTH_REQUIRED',
        'Authentication required: send Authorization: Bearer <token>',
        { headers: CHALLENGE },
      );
    if (!token)
      throw new DomainException('SESSION_INVALID', 'Malformed Authorization header', {
        headers: CHALLENGE,
      });
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(err: unknown, user: T, _info: unknown, context: ExecutionContext): T {
    if (err instanceof DomainException) {
      throw new DomainException(err.code, err.message, {
        details: err.details,
        headers: CHALLENGE,
      });
    }
    if (err) throw err;
    if (!user)
      throw new DomainException('SESSION_INVALID', 'Invalid or expired session token', {
        headers: CHALLENGE,
      });
    context.switchToHttp().getRequest<AppRequest>().principal = {
      kind: 'user',
      user: user as unknown as AuthenticatedUser,
    };
    return user;
  }
}
