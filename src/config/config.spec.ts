import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from './app.config';
import { loadDatabaseConfig } from './database.config';
import { loadSecurityConfig } from './security.config';

describe('configuration validated at boot', () => {
  it('applies the documented defaults', () => {
    const sut = loadAppConfig({});
    expect(sut).toMatchObject({
      port: 3000,
      appUrl: 'http://localhost:3000',
      nodeEnv: 'development',
      bodyLimit: '1mb',
    });
    expect(sut.dataDir).toBe(join(process.cwd(), 'data'));
  });

  it('derives APP_URL from PORT and trims a trailing slash', () => {
    expect(loadAppConfig({ PORT: '8080' }).appUrl).toBe('http://localhost:8080');
    expect(loadAppConfig({ APP_URL: 'https://gpt.example.fr/' }).appUrl).toBe(
      'https://gpt.example.fr',
    );
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['APP_URL', { APP_URL: 'not a url' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['BODY_LIMIT', { BODY_LIMIT: 'lots' }],
  ])('stops with a message naming %s', (name, env) => {
    expect(() => loadAppConfig(env)).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });

  it('uses the embedded database without DATABASE_URL, PostgreSQL with it', () => {
    expect(loadDatabaseConfig({ DATA_DIR: '/srv/p' })).toMatchObject({
      kind: 'embedded',
      dir: '/srv/p/pglite',
    });
    expect(loadDatabaseConfig({ DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(() => loadDatabaseConfig({ DATABASE_URL: 'mysql://h/db' })).toThrow(/DATABASE_URL/);
  });

  it('requires ENCRYPTION_KEY in production', () => {
    expect(() => loadSecurityConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadSecurityConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY/);
  });

  it('outside production, generates ENCRYPTION_KEY once and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
    const first = loadSecurityConfig({ DATA_DIR: dir });
    const second = loadSecurityConfig({ DATA_DIR: dir });
    expect(first.encryptionKey).toHaveLength(43);
    expect(second.encryptionKey).toBe(first.encryptionKey);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8').trim()).toBe(first.encryptionKey);
  });
});
