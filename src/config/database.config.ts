import { registerAs } from '@nestjs/config';
import { IsBooleanString, IsOptional, IsString, Matches } from 'class-validator';
import { join } from 'node:path';
import { loadAppConfig } from './app.config';
import { OptionalInt, validateEnv } from './validate-env';

class DatabaseEnv {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, {
    message: 'DATABASE_URL must start with postgres:// or postgresql://',
  })
  DATABASE_URL?: string;

  @OptionalInt({ min: 1, max: 200 })
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @IsBooleanString()
  DATABASE_SSL?: string;

  @IsOptional()
  @IsBooleanString()
  MIGRATIONS_RUN?: string;

  /** Only for tests: `memory://` keeps the embedded database in memory. */
  @IsOptional()
  @IsString()
  EMBEDDED_DATABASE_DIR?: string;
}

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number; ssl: boolean; migrationsRun: boolean }
  | { kind: 'embedded'; dir: string; poolSize: number; migrationsRun: boolean };

export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const v = validateEnv(DatabaseEnv, env);
  const migrationsRun = v.MIGRATIONS_RUN !== 'false';
  if (v.DATABASE_URL) {
    return {
      kind: 'postgres',
      url: v.DATABASE_URL,
      poolSize: v.DATABASE_POOL_SIZE ?? 10,
      ssl: v.DATABASE_SSL === 'true',
      migrationsRun,
    };
  }
  return {
    kind: 'embedded',
    dir: v.EMBEDDED_DATABASE_DIR ?? join(loadAppConfig(env).dataDir, 'pglite'),
    poolSize: v.DATABASE_POOL_SIZE ?? 5,
    migrationsRun,
  };
}

export const databaseConfig = registerAs('database', () => loadDatabaseConfig());
