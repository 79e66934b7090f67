import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecretOptions {
  /** The environment variable production must set (named in the error and the warning). */
  variable: string;
  /** File name under DATA_DIR where the generated secret is kept. */
  file: string;
  isProduction: boolean;
  dataDir: string;
  /** Ends the warning printed when the secret is generated. */
  advice: string;
}

/**
 * The secret to use when `variable` is not set: production refuses to start; elsewhere one is
 * generated once (32 random bytes) and kept in DATA_DIR/`file` (mode 600) so restarts reuse it.
 */
export function devSecret(options: DevSecretOptions): string {
  const { variable, file, isProduction, dataDir, advice } = options;
  if (isProduction) {
    throw new Error(`Invalid configuration: ${variable} (required when NODE_ENV=production)`);
  }
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'wx' });
  new Logger('Config').warn(`${variable} is not set: generated one in ${path}. ${advice}`);
  return secret;
}
