import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import type { AuthenticatedUser } from '../common/auth/principal';
import type { UserRole } from '../common/auth/roles';
import { pgPool } from '../database/kit/pg-pool';
import { UserSessionEntity } from './entities/user-session.entity';

/** The only place that queries `user_sessions` (tokens are stored as their SHA-256 only). */
@Injectable()
export class UserSessionsRepository {
  constructor(
    @InjectRepository(UserSessionEntity) private readonly repo: Repository<UserSessionEntity>,
  ) {}

  async insert(session: { userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.repo.insert(session);
  }

  /**
   * The active user of a live session, in one indexed lookup with no entity hydration and no
   * query runner: this runs on every authenticated request (`npm run bench`). It reads the
   * `users` columns it needs in the same statement rather than in a second round trip.
   */
  async findUserByTokenHash(tokenHash: string): Promise<AuthenticatedUser | null> {
    const {
      rows: [row],
    } = await pgPool(this.repo.manager).query<{
      session_id: string;
      id: string;
      email: string;
      name: string;
      role: UserRole;
    }>(
      `SELECT s.id AS session_id, u.id, u.email, u.name, u.role
         FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.is_active`,
      [tokenHash],
    );
    if (!row) return null;
    const { id, email, name, role } = row;
    return { id, email, name, role, sessionId: row.session_id };
  }

  async deleteById(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async deleteExpiredOf(userId: string): Promise<void> {
    await this.repo.delete({ userId, expiresAt: LessThan(new Date()) });
  }

  /** Every session of a user, in the caller's transaction when given one. */
  async deleteAllOf(userId: string, tx?: EntityManager): Promise<void> {
    await (tx ?? this.repo.manager).delete(UserSessionEntity, { userId });
  }
}
