import { registerAs } from '@nestjs/config';
import { IsEmail, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import { USER_RULES } from '../users/users.rules';
import { OptionalInt, validateEnv } from './validate-env';

class AuthEnv {
  @OptionalInt({ min: 1, max: 24 * 90 })
  SESSION_TTL_HOURS?: number;

  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(USER_RULES.password.minLength)
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  LOGIN_MAX_PER_IP?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  LOGIN_MAX_PER_EMAIL?: number;
}

export interface AuthConfig {
  sessionTtlMs: number;
  adminEmail?: string;
  adminPassword?: string;
  /** Login attempts allowed per 15 minutes. */
  loginMaxPerIp: number;
  loginMaxPerEmail: number;
  loginWindowMs: number;
}

export const authConfig = registerAs('auth', (): AuthConfig => {
  const v = validateEnv(AuthEnv);
  return {
    sessionTtlMs: (v.SESSION_TTL_HOURS ?? 12) * 3_600_000,
    adminEmail: v.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: v.ADMIN_PASSWORD,
    loginMaxPerIp: v.LOGIN_MAX_PER_IP ?? 30,
    loginMaxPerEmail: v.LOGIN_MAX_PER_EMAIL ?? 10,
    loginWindowMs: 15 * 60_000,
  };
});
