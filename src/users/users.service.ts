import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../database/kit/errors';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomAlphanumeric } from '../common/crypto';
import { isUuid } from '../common/text';
import { DomainException } from '../common/errors/domain.exception';
import { USER_ROLES, type UserRole } from '../common/auth/roles';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';

export interface CreateUserInput {
  email: string;
  name?: string;
  role: UserRole;
  /** Omitted: a strong password is generated and returned once. */
  password?: string;
}

export const MIN_PASSWORD_LENGTH = 12;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(input: CreateUserInput): Promise<{ user: UserEntity; generatedPassword?: string }> {
    const email = normalizeEmail(input.email);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new DomainException('VALIDATION_FAILED', `Invalid email: ${email}`);
    }
    if (!USER_ROLES.includes(input.role)) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `Role must be one of ${USER_ROLES.join(', ')}`,
      );
    }
    const generatedPassword = input.password === undefined ? randomAlphanumeric(20) : undefined;
    const password = input.password ?? generatedPassword!;
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `Password must be at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    }
    const user = this.users.create({
      email,
      name: input.name?.trim() || email.split('@')[0],
      role: input.role,
      passwordHash: await this.hasher.hash(password),
      isActive: true,
    });
    try {
      await this.users.insert(user);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new DomainException('CONFLICT', `A user with email ${email} already exists`);
      }
      throw err;
    }
    return { user, generatedPassword };
  }

  /** For login only: includes the password hash. */
  findActiveByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = :email AND u.isActive = true', { email: normalizeEmail(email) })
      .getOne();
  }

  findActiveByEmail(email: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.email) = :email AND u.isActive = true', { email: normalizeEmail(email) })
      .getOne();
  }

  findById(id: string): Promise<UserEntity | null> {
    return isUuid(id) ? this.users.findOne({ where: { id } }) : Promise.resolve(null);
  }

  /** Name, role and active flag (the back-office's user edit). */
  async update(
    id: string,
    patch: { name?: string; role?: UserRole; isActive?: boolean },
  ): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw DomainException.notFound('User');
    const values: Partial<UserEntity> = {};
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      if (name.length < 1 || name.length > 120) {
        throw new DomainException('VALIDATION_FAILED', 'Name must be 1 to 120 characters');
      }
      values.name = name;
    }
    if (patch.role !== undefined) {
      if (!USER_ROLES.includes(patch.role)) {
        throw new DomainException(
          'VALIDATION_FAILED',
          `Role must be one of ${USER_ROLES.join(', ')}`,
        );
      }
      values.role = patch.role;
    }
    if (patch.isActive !== undefined) values.isActive = patch.isActive;
    if (Object.keys(values).length > 0) await this.users.update({ id }, values);
    return (await this.findById(id))!;
  }

  /**
   * Sets a new password (given, or generated and returned once) and ends the user's API
   * sessions in the same transaction: whoever held the old password is logged out too.
   */
  async resetPassword(id: string, password?: string): Promise<{ generatedPassword?: string }> {
    const user = await this.findById(id);
    if (!user) throw DomainException.notFound('User');
    const generatedPassword = password === undefined ? randomAlphanumeric(20) : undefined;
    const next = password ?? generatedPassword!;
    if (next.length < MIN_PASSWORD_LENGTH) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `Password must be at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    }
    const passwordHash = await this.hasher.hash(next);
    await this.users.manager.transaction(async (m) => {
      await m.update(UserEntity, { id }, { passwordHash });
      await m.query('DELETE FROM user_sessions WHERE user_id = $1', [id]);
    });
    return { generatedPassword };
  }

  hasActiveAdmin(): Promise<boolean> {
    return this.users.exists({ where: { role: 'admin', isActive: true } });
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
