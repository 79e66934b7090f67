import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { PANEL_ROLES, type PanelAdmin } from '../../admin/access';
import type { AuthService } from '../auth/auth.service';
import { DomainException } from '../common/errors/domain.exception';
import type { AuthConfig } from '../config';
import type { UserEntity } from '../users/entities/user.entity';
import type { UsersService } from '../users/users.service';

export const toPanelAdmin = (user: UserEntity): PanelAdmin | null =>
  user.isActive && (PANEL_ROLES as readonly string[]).includes(user.role)
    ? { id: user.id, email: user.email, title: user.name, role: user.role as PanelAdmin['role'] }
    : null;

/**
 * Back-office login: the API's password check (AuthService.verifyCredentials, scrypt), the
 * API's login limits (same counters, so the two doors share one budget), admin and staff only.
 */
export class AdminAuthenticator {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly limits: ThrottlerStorage,
    private readonly config: AuthConfig,
  ) {}

  async authenticate(
    email: string | undefined,
    password: string | undefined,
    ctx?: { req: Request },
  ): Promise<PanelAdmin | null> {
    await this.countAttempt(ctx?.req.ip ?? 'unknown', String(email ?? ''));
    let user: UserEntity;
    try {
      user = await this.auth.verifyCredentials(String(email ?? ''), String(password ?? ''));
    } catch (err) {
      if (err instanceof DomainException && err.code === 'INVALID_CREDENTIALS') return null;
      throw err;
    }
    const admin = toPanelAdmin(user);
    if (!admin) return null; // role `user`: same answer as a wrong password
    // A new session id at login: a session id planted before login is worth nothing.
    if (ctx?.req.session) {
      await new Promise<void>((resolve, reject) =>
        ctx.req.session.regenerate((err) => (err ? reject(err as Error) : resolve())),
      );
    }
    return admin;
  }

  /** Re-reads a logged-in account on each back-office request (see the session store). */
  async recheck(admin: PanelAdmin): Promise<PanelAdmin | null> {
    const user = await this.users.findById(admin.id);
    return user ? toPanelAdmin(user) : null;
  }

  private async countAttempt(ip: string, email: string) {
    const { loginWindowMs: ttl, loginMaxPerIp, loginMaxPerEmail } = this.config;
    const tracker = email.trim().toLowerCase().slice(0, 254) || '-';
    const byIp = await this.limits.increment(`login-ip:${ip}`, ttl, loginMaxPerIp, ttl, 'login-ip');
    const byEmail = await this.limits.increment(
      `login-email:${tracker}`,
      ttl,
      loginMaxPerEmail,
      ttl,
      'login-email',
    );
    if (byIp.isBlocked || byEmail.isBlocked) {
      const wait = Math.max(byIp.timeToBlockExpire, byEmail.timeToBlockExpire, 1);
      // AdminJS shows a thrown error's message on the login page.
      throw new Error(`Too many login attempts: retry in ${wait} s`);
    }
  }
}
