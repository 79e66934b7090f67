import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { IsOptional, MinLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppConfig } from './app.config';
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
  if (app.isProduction) {
    throw new Error('Invalid configuration: ENCRYPTION_KEY (required when NODE_ENV=production)');
  }
  const file = join(app.dataDir, 'encryption.key');
  if (existsSync(file)) return { encryptionKey: readFileSync(file, 'utf8').trim() };
  mkdirSync(app.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  new Logger('Config').warn(
    `ENCRYPTION_KEY is not set: generated one in ${file}. Set ENCRYPTION_KEY in production and back it up.`,
  );
  return { encryptionKey: key };
}

export const securityConfig = registerAs('security', () => loadSecurityConfig());
