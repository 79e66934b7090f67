import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { IsBooleanString, IsOptional, IsString, MinLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAppConfig } from './app.config';
import { validateEnv } from './validate-env';

class AdminEnv {
  @IsOptional()
  @MinLength(32, { message: 'ADMIN_COOKIE_SECRET must be at least 32 characters' })
  ADMIN_COOKIE_SECRET?: string;

  @IsOptional()
  @IsString()
  ADMIN_JS_TMP_DIR?: string;

  @IsOptional()
  @IsBooleanString()
  ADMIN_JS_SKIP_BUNDLE?: string;
}

export interface AdminConfig {
  /** Mount path of the back-office. */
  rootPath: '/admin';
  /** Signs the back-office session cookie. */
  cookieSecret: string;
  cookieName: string;
  /** Secure (HTTPS-only) cookie when APP_URL is https. */
  cookieSecure: boolean;
  /** Where the custom components bundle is written (served by the admin router itself). */
  bundleDir: string;
  /** Serve without bundling custom components at boot (tests that never load the UI). */
  skipBundle: boolean;
}

/**
 * Production must pass ADMIN_COOKIE_SECRET. Elsewhere a secret is generated once and kept in
 * DATA_DIR/admin-cookie.secret so restarts keep staff logged in.
 */
export function loadAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  const v = validateEnv(AdminEnv, env);
  const app = loadAppConfig(env);
  const bundleDir = resolve(v.ADMIN_JS_TMP_DIR ?? join(app.dataDir, 'adminjs'));
  return {
    rootPath: '/admin',
    cookieSecret: v.ADMIN_COOKIE_SECRET ?? devSecret(app.isProduction, app.dataDir),
    cookieName: 'passerelle_admin',
    cookieSecure: app.appUrl.startsWith('https://'),
    bundleDir,
    skipBundle: v.ADMIN_JS_SKIP_BUNDLE === 'true',
  };
}

function devSecret(isProduction: boolean, dataDir: string): string {
  if (isProduction) {
    throw new Error(
      'Invalid configuration: ADMIN_COOKIE_SECRET (required when NODE_ENV=production)',
    );
  }
  const file = join(dataDir, 'admin-cookie.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  new Logger('Config').warn(
    `ADMIN_COOKIE_SECRET is not set: generated one in ${file}. Set it in production.`,
  );
  return secret;
}

export const adminConfig = registerAs('admin', () => loadAdminConfig());
