import { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGliteSocketServer } from './pglite-socket-server';

/**
 * The embedded PostgreSQL (PGlite, PostgreSQL compiled to WASM) is single-process: its data
 * directory must never be opened twice. The first process to open it (the server, or a CLI
 * command when no server runs) takes a lock file and serves the database on a private Unix
 * socket; every other process (a CLI command while the server runs) connects to that socket
 * as an ordinary PostgreSQL client. The owner itself also connects through the socket, so
 * all sessions go through one queue (PGliteSocketServer) that keeps the statements and
 * transactions of different connections from interleaving on PGlite's single backend.
 */
export interface EmbeddedPostgres {
  /** Directory holding the `.s.PGSQL.<port>` socket: pass it to `pg` as `host`. */
  host: string;
  port: number;
  /** True when this process opened the data directory. */
  owner: boolean;
  close(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  port: number;
}

export interface OpenEmbeddedOptions {
  /**
   * `own`: this process must open the data directory (the server). It waits up to `waitMs`
   * for another owner to go away. `share`: connect to the owner if there is one (CLI).
   */
  mode: 'own' | 'share';
  waitMs?: number;
}

const SOCKET_PORT = 5432;
/** Lock files this process holds: a lock with our pid that is not among them is stale. */
const heldLocks = new Set<string>();
const MAX_SOCKET_PATH = 100;
const logger = new Logger('EmbeddedPostgres');

export async function openEmbeddedPostgres(
  dir: string,
  options: OpenEmbeddedOptions,
): Promise<EmbeddedPostgres> {
  if (dir.startsWith('memory://')) return startOwner(dir, null);

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = `${dir}.lock`;
  const deadline = Date.now() + (options.waitMs ?? 15_000);
  for (;;) {
    const lock = tryCreateLock(lockPath);
    if (lock) return startOwner(dir, lock);

    const holder = readLock(lockPath);
    if (!holder || !isProcessAlive(holder.pid, lockPath)) {
      removeStaleLock(lockPath, holder);
      continue;
    }
    if (
      options.mode === 'share' &&
      holder.host &&
      holder.port &&
      (await socketAccepts(holder.host, holder.port))
    ) {
      return { host: holder.host, port: holder.port, owner: false, close: async () => {} };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${holder.pid}. ` +
          (options.mode === 'own'
            ? 'Stop that process, or set DATABASE_URL so several processes share one PostgreSQL server.'
            : 'It did not accept connections in time.'),
      );
    }
    await sleep(200);
  }
}

function socketHostFor(dir: string | null): string {
  if (dir) {
    const host = dirname(dir);
    if (join(host, `.s.PGSQL.${SOCKET_PORT}`).length <= MAX_SOCKET_PATH) return host;
  }
  // Unix socket paths are limited to ~107 bytes: fall back to a private temp folder.
  const id = dir
    ? createHash('sha256').update(dir).digest('hex').slice(0, 16)
    : randomBytes(8).toString('hex');
  const host = join(tmpdir(), `passerelle-${id}`);
  mkdirSync(host, { recursive: true, mode: 0o700 });
  return host;
}

async function startOwner(dir: string, lock: { path: string } | null) {
  const host = socketHostFor(lock ? dir : null);
  const socketPath = join(host, `.s.PGSQL.${SOCKET_PORT}`);
  let db: PGlite | undefined;
  let server: PGliteSocketServer | undefined;
  try {
    rmSync(socketPath, { force: true }); // left over by a crashed owner (we hold the lock)
    db = await PGlite.create(dir.startsWith('memory://') ? undefined : dir);
    server = new PGliteSocketServer(db);
    await server.listen(socketPath);
    if (lock) {
      const info: LockInfo = { pid: process.pid, host, port: SOCKET_PORT };
      writeFileSync(lock.path, JSON.stringify(info), { mode: 0o600 });
    }
  } catch (err) {
    await server?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    if (lock) releaseLock(lock.path);
    throw err;
  }
  // If the process exits without closing (process.exit in a CLI usage error, an uncaught
  // error), still release the lock and socket so the next process need not wait.
  const releaseOnExit = () => {
    rmSync(socketPath, { force: true });
    if (lock) releaseLock(lock.path);
  };
  process.once('exit', releaseOnExit);
  logger.log(`Embedded PostgreSQL open at ${dir}`);
  const openDb = db;
  const openServer = server;
  return {
    host,
    port: SOCKET_PORT,
    owner: true,
    async close() {
      process.removeListener('exit', releaseOnExit);
      await openServer.close().catch(() => undefined);
      await openDb.close();
      rmSync(socketPath, { force: true });
      if (lock) releaseLock(lock.path);
      else rmSync(host, { recursive: true, force: true });
    },
  } satisfies EmbeddedPostgres;
}

function tryCreateLock(path: string): { path: string } | null {
  try {
    // The lock holds our pid at once; the socket address is added once it listens.
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, JSON.stringify({ pid: process.pid }));
    closeSync(fd);
    heldLocks.add(path);
    return { path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  }
}

function readLock(path: string): (Partial<LockInfo> & { pid: number }) | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  if (raw === '') return { pid: -1 }; // between create and first write: still starting
  try {
    return JSON.parse(raw) as LockInfo;
  } catch {
    return null;
  }
}

function isProcessAlive(pid: number, lockPath: string): boolean {
  if (pid === -1) return true; // being written this instant
  // In a container the previous run's pid can be ours (pid 1): that lock is stale,
  // unless this very process took it (a second open in one process must wait or share).
  if (pid === process.pid) return heldLocks.has(lockPath);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeStaleLock(path: string, holder: { pid: number } | null) {
  if (holder) logger.warn(`Removing stale lock of process ${holder.pid} on ${path}`);
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function releaseLock(path: string) {
  heldLocks.delete(path);
  rmSync(path, { force: true });
}

function socketAccepts(host: string | undefined, port: number | undefined): Promise<boolean> {
  if (!host || !port) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect(join(host, `.s.PGSQL.${port}`));
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
