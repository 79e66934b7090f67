import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { UserRole } from '../common/auth/roles';
import { UserEntity } from './entities/user.entity';

/** A transaction several repositories write in (see `UsersRepository.transaction`). */
export type Transaction = EntityManager;

/** The only place that queries `users`. Emails are stored and looked up lower-cased. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  /** Inserts and returns the row; a taken email fails with a unique violation. */
  async insert(user: Partial<UserEntity>): Promise<UserEntity> {
    const entity = this.repo.create(user);
    await this.repo.insert(entity);
    return entity;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** An active user by (lower-cased) email; with its password hash for login only. */
  findActiveByEmail(email: string, withPasswordHash = false): Promise<UserEntity | null> {
    const query = this.repo
      .createQueryBuilder('u')
      .where('lower(u.email) = :email AND u.isActive = true', { email });
    return (withPasswordHash ? query.addSelect('u.passwordHash') : query).getOne();
  }

  async update(
    id: string,
    values: { name?: string; role?: UserRole; isActive?: boolean },
  ): Promise<void> {
    if (Object.keys(values).length > 0) await this.repo.update({ id }, values);
  }

  async setPasswordHash(id: string, passwordHash: string, tx?: Transaction): Promise<void> {
    await (tx ?? this.repo.manager).update(UserEntity, { id }, { passwordHash });
  }

  hasActiveAdmin(): Promise<boolean> {
    return this.repo.exists({ where: { role: 'admin', isActive: true } });
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
