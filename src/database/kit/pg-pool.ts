import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The node-postgres pool under TypeORM's PostgreSQL driver (on the embedded database, its
 * socket). Statements on hot paths go to it directly: TypeORM's `query()` checks out a query
 * runner, emits query events and wraps the result for each call, which costs more CPU than a
 * one-row lookup (`npm run bench`). Errors are node-postgres's own (the error filter and
 * database-unavailable.ts read those).
 */
export function pgPool(source: DataSource | EntityManager): Pool {
  const dataSource = 'connection' in source ? source.connection : source;
  return (dataSource.driver as PostgresDriver).master as Pool;
}
