import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * pg_dump / pg_restore of the PostgreSQL client. They must be of the server's major version
 * or newer: the newest of /usr/lib/postgresql/<major>/bin (Debian, Ubuntu), else PATH.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string {
  const base = '/usr/lib/postgresql';
  const versioned = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(base, v, 'bin', name))
    : [];
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
  const found = [...versioned, ...onPath].find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `${name} not found: install the PostgreSQL client (postgresql-client-15 or newer)`,
    );
  }
  return found;
}

/**
 * The libpq connection of a DATABASE_URL, the password passed in PGPASSWORD (never on the
 * command line, where `ps` would show it).
 */
export function libpqConnection(url: string, ssl: boolean) {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  // DATABASE_SSL=true: encrypt (libpq cannot verify against Node's CA store: verify-full
  // needs sslrootcert, which an operator can add to the URL).
  if (ssl && !parsed.searchParams.has('sslmode')) env.PGSSLMODE = 'require';
  return { dbname: parsed.toString(), env };
}

/** Runs a client tool; rejects with its stderr when it fails. */
export function runPgTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} exited with ${code}: ${stderr.trim().slice(0, 2_000)}`));
    });
  });
}
