import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { authConfig } from '../config';
import type { AuthenticatedUser } from '../common/auth/principal';
import { randomAlphanumeric, sha256Hex } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { UserEntity } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { UserSessionsRepository } from './user-sessions.repository';

export const SESSION_TOKEN_PREFIX = 'pas_';

/**
 * Opaque session tokens rather than signed ones (JWT): logout and deactivating a user take
 * effect at once, and the only thing stored is the token's SHA-256.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: UserSessionsRepository,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** Checks a password the same way for the API and the back-office. */
  async verifyCredentials(email: string, password: string): Promise<UserEntity> {
    const user = await this.users.findActiveByEmailWithPassword(email);
    const ok = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !ok) throw new DomainException('INVALID_CREDENTIALS', 'Invalid email or password');
    return user;
  }

  async login(
    email: string,
    password: string,
  ): Promise<{ token: string; expiresAt: Date; user: UserEntity }> {
    const user = await this.verifyCredentials(email, password);
    const token = SESSION_TOKEN_PREFIX + randomAlphanumeric(48);
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMs);
    await this.sessions.insert({ userId: user.id, tokenHash: sha256Hex(token), expiresAt });
    // Housekeeping on a path that is already writing: drop this user's expired sessions.
    await this.sessions.deleteExpiredOf(user.id);
    return { token, expiresAt, user };
  }

  async authenticate(token: string): Promise<AuthenticatedUser> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) {
      throw new DomainException('SESSION_INVALID', 'Invalid or expired session token');
    }
    const user = await this.sessions.findUserByTokenHash(sha256Hex(token));
    if (!user) throw new DomainException('SESSION_INVALID', 'Invalid or expired session token');
    return user;
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.deleteById(sessionId);
  }
}
