import { registerAs } from '@nestjs/config';
import { IsOptional, MinLength } from 'class-validator';
import { loadAppConfig } from './app.config';
import { devSecret } from './dev-secret';
import { validateEnv } from './validate-env';

class SecurityEnv {
  @IsOptional()
  @MinLength(32, { message: 'ENCRYPTION_KEY must be at least 32 characters' })
  ENCRYPTION_KEY?: string;
}

export interface SecurityConfig {
  /** Master secret for encrypting provider keys at rest (used by the LlmProviders module). */
  encryptionKey: string;
}

/**
 * Production must pass ENCRYPTION_KEY. Elsewhere a key is generated once and kept in
 * DATA_DIR/encryption.key so restarts can still decrypt what was stored.
 */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  const v = validateEnv(SecurityEnv, env);
  if (v.ENCRYPTION_KEY) return { encryptionKey: v.ENCRYPTION_KEY };
  const app = loadAppConfig(env);
  const encryptionKey = devSecret({
    variable: 'ENCRYPTION_KEY',
    file: 'encryption.key',
    isProduction: app.isProduction,
    dataDir: app.dataDir,
    advice: 'Set ENCRYPTION_KEY in production and back it up.',
  });
  return { encryptionKey };
}

export const securityConfig = registerAs('security', () => loadSecurityConfig());
