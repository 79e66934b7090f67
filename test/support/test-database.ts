import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { TEMPLATE_DIR } from './paths';

/** Where one suite keeps its data: a fresh embedded database, or a throwaway PostgreSQL database. */
export interface TestDatabase {
  /** Variables to give the app, the CLI or a spawned server. */
  env: Record<string, string>;
  kind: 'embedded' | 'postgres';
  /**
   * A SQL client on this database. Embedded: through the socket of the process that owns it
   * (a spawned server must be running), like a CLI command.
   */
  connect(): Promise<Client>;
  drop(): Promise<void>;
}

/**
 * With DATABASE_URL set (as .ci/run does), a database named passerelle_test_<random> is
 * created on that server and dropped afterwards; otherwise an embedded database in a temp dir.
 */
// Read once at load: test apps later overwrite DATABASE_URL with their throwaway database.
const SERVER_URL = process.env.DATABASE_URL;

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-test-'));
  const serverUrl = SERVER_URL;
  if (!serverUrl) {
    cpSync(TEMPLATE_DIR, join(dataDir, 'pglite'), { recursive: true });
    return {
      kind: 'embedded',
      env: { DATA_DIR: dataDir },
      connect: async () => {
        const { host, port } = await openEmbeddedPostgres(join(dataDir, 'pglite'), {
          mode: 'share',
        });
        const c = new Client({ host, port, user: 'postgres', database: 'postgres' });
        await c.connect();
        return c;
      },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `passerelle_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    connect: async () => {
      const c = new Client({ connectionString: url.toString() });
      await c.connect();
      return c;
    },
    drop: async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
