import { Injectable } from '@nestjs/common';
import { UserSessionsRepository } from '../auth/user-sessions.repository';
import { randomAlphanumeric } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { isUuid } from '../common/text';
import { isUniqueViolation } from '../database/kit/errors';
import type { CreateUserDto, ResetPasswordDto, UpdateUserDto } from './dto/user.dto';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { USER_RULES } from './users.rules';
import { UsersRepository } from './users.repository';

/**
 * Staff, admins and API users. Input arrives validated against its DTO (`validateInput` outside
 * HTTP: the back-office, the CLI); what is checked here needs the database (a taken email, an
 * unknown user).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly sessions: UserSessionsRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(dto: CreateUserDto): Promise<{ user: UserEntity; generatedPassword?: string }> {
    const email = normalizeEmail(dto.email);
    const generatedPassword = dto.password === undefined ? generatePassword() : undefined;
    try {
      const user = await this.repo.insert({
        email,
        name: dto.name || email.split('@')[0],
        role: dto.role,
        passwordHash: await this.hasher.hash(dto.password ?? generatedPassword!),
        isActive: true,
      });
      return { user, generatedPassword };
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new DomainException('CONFLICT', `A user with email ${email} already exists`);
      }
      throw err;
    }
  }

  /** For login only: includes the password hash. */
  findActiveByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.repo.findActiveByEmail(normalizeEmail(email), true);
  }

  findActiveByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.findActiveByEmail(normalizeEmail(email));
  }

  /** Null for an unknown id, and for text that is no UUID (ids from tokens and sessions). */
  findById(id: string): Promise<UserEntity | null> {
    return isUuid(id) ? this.repo.findById(id) : Promise.resolve(null);
  }

  /** Name, role and active flag (the back-office's user edit). */
  async update(id: string, dto: UpdateUserDto): Promise<UserEntity> {
    await this.existing(id);
    const { name, role, isActive } = dto;
    await this.repo.update(id, {
      ...(name !== undefined && { name }),
      ...(role !== undefined && { role }),
      ...(isActive !== undefined && { isActive }),
    });
    return this.existing(id);
  }

  /**
   * Sets a new password (given, or generated and returned once) and ends the user's API
   * sessions in the same transaction: whoever held the old password is logged out too.
   */
  async resetPassword(
    id: string,
    dto: ResetPasswordDto = {},
  ): Promise<{ generatedPassword?: string }> {
    await this.existing(id);
    const generatedPassword = dto.password === undefined ? generatePassword() : undefined;
    const passwordHash = await this.hasher.hash(dto.password ?? generatedPassword!);
    await this.repo.transaction(async (tx) => {
      await this.repo.setPasswordHash(id, passwordHash, tx);
      await this.sessions.deleteAllOf(id, tx);
    });
    return { generatedPassword };
  }

  hasActiveAdmin(): Promise<boolean> {
    return this.repo.hasActiveAdmin();
  }

  private async existing(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw DomainException.notFound('User');
    return user;
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const generatePassword = () => randomAlphanumeric(USER_RULES.generatedPasswordLength);
