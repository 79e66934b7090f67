import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { TEMPLATE_DIR } from './paths';

/**
 * initdb of a fresh embedded database takes seconds; each suite instead copies this
 * template (an empty, initialised PGlite data dir). Migrations still run per suite.
 */
export default async function globalSetup() {
  if (existsSync(TEMPLATE_DIR)) return;
  const tmp = `${TEMPLATE_DIR}.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const db = await PGlite.create(tmp);
  await db.query('SELECT 1');
  await db.close();
  try {
    renameSync(tmp, TEMPLATE_DIR);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run made it first
  }
}
