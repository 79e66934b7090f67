import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { authConfig } from '../config';
import type { AuthenticatedUser } from '../common/auth/principal';
import { randomAlphanumeric, sha256Hex } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { type UserRole } from '../common/auth/roles';
import { UserEntity } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { UserSessionEntity } from './entities/user-session.entity';
import { pgPool } from '../database/kit/pg-pool';

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
    @InjectRepository(UserSessionEntity) private readonly sessions: Repository<UserSessionEntity>,
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
    await this.sessions.delete({ userId: user.id, expiresAt: LessThan(new Date()) });
    return { token, expiresAt, user };
  }

  async authenticate(token: string): Promise<AuthenticatedUser> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) {
      throw new DomainException('SESSION_INVALID', 'Invalid or expired session token');
    }
    // One indexed lookup, no entity hydration, no query runner: this runs on every
    // authenticated request.
    const {
      rows: [row],
    } = await pgPool(this.sessions.manager).query<{
      session_id: string;
      id: string;
      email: string;
      name: string;
      role: UserRole;
    }>(
      `SELECT s.id AS session_id, u.id, u.email, u.name, u.role
         FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.is_active`,
      [sha256Hex(token)],
    );
    if (!row) throw new DomainException('SESSION_INVALID', 'Invalid or expired session token');
    const { id, email, name, role } = row;
    return { id, email, name, role, sessionId: row.session_id };
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.delete({ id: sessionId });
  }
}
