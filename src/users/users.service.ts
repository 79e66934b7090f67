import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { randomAlphanumeric } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { UserEntity, UserRole, USER_ROLES } from './entities/user.entity';
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
      if (err instanceof QueryFailedError && (err as { code?: string }).code === '23505') {
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

  hasActiveAdmin(): Promise<boolean> {
    return this.users.exists({ where: { role: 'admin', isActive: true } });
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
