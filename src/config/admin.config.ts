import { registerAs } from '@nestjs/config';
import { IsBooleanString, IsOptional, IsString, MinLength } from 'class-validator';
import { join, resolve } from 'node:path';
import { loadAppConfig } from './app.config';
import { devSecret } from './dev-secret';
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
    cookieSecret:
      v.ADMIN_COOKIE_SECRET ??
      devSecret({
        variable: 'ADMIN_COOKIE_SECRET',
        file: 'admin-cookie.secret',
        isProduction: app.isProduction,
        dataDir: app.dataDir,
        advice: 'Set it in production.',
      }),
    cookieName: 'passerelle_admin',
    cookieSecure: app.appUrl.startsWith('https://'),
    bundleDir,
    skipBundle: v.ADMIN_JS_SKIP_BUNDLE === 'true',
  };
}

export const adminConfig = registerAs('admin', () => loadAdminConfig());
