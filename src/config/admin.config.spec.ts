import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAdminConfig } from './admin.config';

describe(loadAdminConfig.name, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-admin-config-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('requires ADMIN_COOKIE_SECRET in production, and 32 characters', () => {
    expect(() => loadAdminConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(
      /ADMIN_COOKIE_SECRET/,
    );
    expect(() => loadAdminConfig({ ADMIN_COOKIE_SECRET: 'short', DATA_DIR: dataDir })).toThrow(
      /ADMIN_COOKIE_SECRET must be at least 32 characters/,
    );
  });

  it('generates a development secret once and keeps it across restarts', () => {
    const first = loadAdminConfig({ DATA_DIR: dataDir });
    expect(first.cookieSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dataDir, 'admin-cookie.secret'), 'utf8').trim()).toBe(
      first.cookieSecret,
    );
    expect(loadAdminConfig({ DATA_DIR: dataDir }).cookieSecret).toBe(first.cookieSecret);
  });

  it('marks the cookie Secure when APP_URL is https; bundles into DATA_DIR/adminjs by default', () => {
    const secret = 'x'.repeat(32);
    const https = loadAdminConfig({
      ADMIN_COOKIE_SECRET: secret,
      APP_URL: 'https://p.example',
      DATA_DIR: dataDir,
    });
    const http = loadAdminConfig({ ADMIN_COOKIE_SECRET: secret, DATA_DIR: dataDir });
    expect(https.cookieSecure).toBe(true);
    expect(http.cookieSecure).toBe(false);
    expect(http.bundleDir).toBe(join(dataDir, 'adminjs'));
    expect(
      loadAdminConfig({ ADMIN_COOKIE_SECRET: secret, ADMIN_JS_SKIP_BUNDLE: 'true' }).skipBundle,
    ).toBe(true);
  });
});
