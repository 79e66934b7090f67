import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { DomainException } from '../errors/domain.exception';
import { ACCESS_POLICY, AccessPolicy, IS_PUBLIC } from './auth.decorator';
import type { AppRequest } from './principal';

const ROLE_RANK = { user: 1, staff: 2, admin: 3 } as const;

/** Token under which the GPT key and user token guards register themselves. */
export const GPT_KEY_GUARD = Symbol('GPT_KEY_GUARD');
export const USER_TOKEN_GUARD = Symbol('USER_TOKEN_GUARD');
export const ASSISTANT_GUARD = Symbol('ASSISTANT_GUARD');

/**
 * The global guard: deny by default. Delegates credential checks to the GPT key guard
 * (key, hourly limit, usage) or the user session guard (passport-http-bearer), then checks the role.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  private readonly guards = new Map<symbol, CanActivate>();

  /** The credential guard of a policy, looked up once (a non-strict lookup scans every module). */
  private guardFor(policy: AccessPolicy): CanActivate {
    const token =
      policy === 'gpt-key'
        ? GPT_KEY_GUARD
        : policy === 'assistant'
          ? ASSISTANT_GUARD
          : USER_TOKEN_GUARD;
    let guard = this.guards.get(token);
    if (!guard) {
      guard = this.moduleRef.get<CanActivate>(token, { strict: false });
      this.guards.set(token, guard);
    }
    return guard;
  }

  /** Per controller class and handler, read once: metadata does not change after boot. */
  private readonly policies = new WeakMap<object, Map<object, AccessPolicy | 'public' | null>>();

  private policyOf(context: ExecutionContext): AccessPolicy | 'public' | null {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byHandler = this.policies.get(cls);
    if (!byHandler) this.policies.set(cls, (byHandler = new Map()));
    let policy = byHandler.get(handler);
    if (policy === undefined) {
      const targets = [handler, cls];
      policy = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)
        ? 'public'
        : (this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, targets) ??
          null);
      byHandler.set(handler, policy);
    }
    return policy;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy = this.policyOf(context);
    if (policy === 'public') return true;
    if (!policy) {
      // A route nobody declared a policy for is closed, not open.
      throw new DomainException('FORBIDDEN', 'This route has no access policy');
    }
    await this.guardFor(policy).canActivate(context);

    const principal = context.switchToHttp().getRequest<AppRequest>().principal;
    if (policy === 'gpt-key') return principal?.kind === 'gpt-key';
    if (policy === 'assistant') return principal?.kind === 'gpt-key' || principal?.kind === 'oauth';
    if (principal?.kind !== 'user')
      throw new DomainException('AUTH_REQUIRED', 'Authentication required');
    if (ROLE_RANK[principal.user.role] < ROLE_RANK[policy]) {
      throw new DomainException('FORBIDDEN', `This action requires the ${policy} role`);
    }
    return true;
  }
}
