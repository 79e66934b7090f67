import { DataSource, DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import type { DatabaseConfig } from '../config/database.config';
import { entities } from './entities';
import { openEmbeddedPostgres, OpenEmbeddedOptions } from './embedded-postgres';
import { SnakeNamingStrategy } from './kit/snake-naming.strategy';

/**
 * The first connection, with two more tries when it only timed out (a server that is there but
 * slow to fork a backend: a loaded machine, a CLI started beside busy servers). A refused or
 * unknown host fails at once, as does a wrong password.
 */
async function initializeWithPatience(options: DataSourceOptions): Promise<DataSource> {
  for (let attempt = 1; ; attempt++) {
    const ds = new DataSource(options);
    try {
      await ds.initialize();
      return ds;
    } catch (err) {
      if (attempt >= 3 || !/connection timeout/i.test(String((err as Error)?.message))) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/** Arbitrary constant: serialises migration runs of several instances starting at once. */
const MIGRATION_LOCK_ID = 7_240_215_001;

export type DatabaseRole = OpenEmbeddedOptions['mode'];

/**
 * Opens the one data source the app, the CLI and the migration commands share:
 * PostgreSQL when DATABASE_URL is set, else the embedded PGlite in DATA_DIR.
 */
export async function openDataSource(
  config: DatabaseConfig,
  role: DatabaseRole,
): Promise<DataSource> {
  const base = {
    type: 'postgres' as const,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // TypeORM's own logger prints failing SQL with its parameters (password hashes, keys):
    // errors reach the exception filter instead, which logs them without parameters.
    logging: false,
    poolSize: config.poolSize,
    applicationName: 'passerelle',
  } satisfies Partial<DataSourceOptions>;

  if (config.kind === 'postgres') {
    const options: DataSourceOptions = {
      ...base,
      url: config.url,
      ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
      // Fail fast when the server is unreachable or the pool is exhausted: such requests get
      // 503 + Retry-After (see isDatabaseUnavailable) within 2 s instead of hanging.
      extra: { connectionTimeoutMillis: 2_000 },
    };
    return initializeWithPatience(options);
  }

  const embedded = await openEmbeddedPostgres(config.dir, { mode: role });
  const ds = new DataSource({
    ...base,
    host: embedded.host,
    port: embedded.port,
    username: 'postgres',
    database: 'postgres',
  });
  try {
    await ds.initialize();
  } catch (err) {
    await embedded.close();
    throw err;
  }
  const destroy = ds.destroy.bind(ds);
  ds.destroy = async () => {
    await destroy();
    await embedded.close();
  };
  return ds;
}

/** Applies pending migrations, one instance at a time. Returns the names applied. */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

/** Names of migrations known to the code but not yet applied to the database. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const table = ds.options.migrationsTableName ?? 'migrations';
  const exists = await ds.query<{ t: string | null }[]>(`SELECT to_regclass($1) AS t`, [table]);
  const done = exists[0]?.t
    ? new Set(
        (await ds.query<{ name: string }[]>(`SELECT name FROM "${table}"`)).map((r) => r.name),
      )
    : new Set<string>();
  return ds.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !done.has(n));
}
