import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { USER_ROLES, type UserRole } from '../../common/auth/roles';
import { PlainText, TextField } from '../../common/http/plain-text.decorator';
import { USER_RULES } from '../users.rules';

const { email: EMAIL, name: NAME, password: PASSWORD } = USER_RULES;

/**
 * An optional new password (omitted: one is generated), with the same message wherever a
 * password is set: `password must be at least 12 characters`.
 */
const OptionalPassword = () =>
  applyDecorators(
    ApiPropertyOptional({
      minLength: PASSWORD.minLength,
      maxLength: PASSWORD.maxLength,
      description: 'Omitted: a strong password is generated and returned once',
    }),
    IsOptional(),
    IsString(),
    MinLength(PASSWORD.minLength, {
      message: '$property must be at least $constraint1 characters',
    }),
    MaxLength(PASSWORD.maxLength),
  );

export class CreateUserDto {
  @ApiProperty({ example: 'marie.dupont@example.fr', maxLength: EMAIL.maxLength })
  @PlainText()
  @IsEmail()
  @MaxLength(EMAIL.maxLength)
  email: string;

  @ApiPropertyOptional({
    example: 'Marie Dupont',
    maxLength: NAME.maxLength,
    description: 'Omitted or empty: the part of the email before @',
  })
  @IsOptional()
  @TextField({ minLength: 0, maxLength: NAME.maxLength })
  name?: string;

  @ApiProperty({ enum: USER_ROLES, example: 'staff' })
  @IsIn(USER_ROLES)
  role: UserRole;

  @OptionalPassword()
  password?: string;
}

/** Name, role and active flag (the back-office's user edit). */
export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: NAME.minLength, maxLength: NAME.maxLength })
  @IsOptional()
  @TextField({ minLength: NAME.minLength, maxLength: NAME.maxLength })
  name?: string;

  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}

export class ResetPasswordDto {
  @OptionalPassword()
  password?: string;
}
