import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../../config';
import {
  DumpMismatchError,
  inspectTarget,
  readLogicalHeader,
  restoreLogicalDump,
  writeLogicalDump,
  type RowCounts,
} from './logical-dump';
import { findPgTool, libpqConnection, runPgTool } from './pg-client-tools';

/**
 * `custom`: pg_dump's custom format (PostgreSQL only), restored by pg_restore.
 * `logical`: Passerelle's own gzipped JSON lines, for the embedded database and either engine.
 */
export type BackupFormat = 'custom' | 'logical';

export interface BackupResult {
  file: string;
  format: BackupFormat;
  bytes: number;
  /** Rows per table (logical format only: pg_dump does not report them). */
  rows?: RowCounts;
}

export interface RestoreResult {
  format: BackupFormat;
  /** Tables that held rows and were emptied (with --force). */
  wiped: string[];
  rows?: RowCounts;
}

/** The target holds data and --force was not given: nothing was changed. */
export class RestoreRefusedError extends Error {}
export { DumpMismatchError };

/**
 * Backups of whichever database the app uses (DATABASE_URL, else the embedded one). Used by
 * `db:backup` / `db:restore`; the CLI's DataSource reaches the embedded database through the
 * running server's socket, or opens it when no server runs.
 */
@Injectable()
export class DatabaseBackupService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly config: ConfigType<typeof databaseConfig>,
  ) {}

  get engine(): 'embedded' | 'postgres' {
    return this.config.kind;
  }

  defaultFormat(): BackupFormat {
    return this.config.kind === 'postgres' ? 'custom' : 'logical';
  }

  defaultFile(format: BackupFormat, now = new Date()): string {
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const ext = format === 'custom' ? 'dump' : 'jsonl.gz';
    return resolve('backups', `passerelle-${this.config.kind}-${stamp}.${ext}`);
  }

  async backup(file: string, format: BackupFormat = this.defaultFormat()): Promise<BackupResult> {
    const path = resolve(file);
    mkdirSync(dirname(path), { recursive: true });
    if (format === 'logical') {
      const rows = await writeLogicalDump(this.dataSource, path, this.config.kind);
      return { file: path, format, bytes: statSync(path).size, rows };
    }
    if (this.config.kind !== 'postgres') {
      throw new DumpMismatchError(
        'the custom format needs PostgreSQL (DATABASE_URL); the embedded database is backed up in the logical format',
      );
    }
    const { dbname, env } = libpqConnection(this.config.url, this.config.ssl);
    const partial = `${path}.partial`;
    try {
      await runPgTool(
        findPgTool('pg_dump'),
        [
          '--format=custom',
          '--no-owner',
          '--no-privileges',
          `--file=${partial}`,
          `--dbname=${dbname}`,
        ],
        env,
      );
      renameSync(partial, path);
    } finally {
      rmSync(partial, { force: true });
    }
    return { file: path, format, bytes: statSync(path).size };
  }

  /** Which format a backup file is in (pg_dump custom files start with PGDMP). */
  async formatOf(file: string): Promise<BackupFormat> {
    const head = Buffer.alloc(5);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 5, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString('latin1') === 'PGDMP') return 'custom';
    if (await readLogicalHeader(file)) return 'logical';
    throw new DumpMismatchError(
      `${file} is neither a pg_dump custom file nor a Passerelle logical dump`,
    );
  }

  /**
   * Restores into this database, in one transaction. A database holding rows is refused
   * unless `force` (then it is emptied first, in the same transaction).
   */
  async restore(file: string, { force }: { force: boolean }): Promise<RestoreResult> {
    const path = resolve(file);
    const format = await this.formatOf(path);
    const target = await inspectTarget(this.dataSource);
    if (target.nonEmptyTables.length && !force) {
      throw new RestoreRefusedError(
        `this database is not empty (rows in ${target.nonEmptyTables.join(', ')}): ` +
          'restore into an empty database, or add --force to replace its content',
      );
    }
    if (format === 'logical') {
      const rows = await restoreLogicalDump(this.dataSource, path);
      return { format, wiped: target.nonEmptyTables, rows };
    }
    if (this.config.kind !== 'postgres') {
      throw new DumpMismatchError(
        'a pg_dump custom file restores into PostgreSQL only (set DATABASE_URL)',
      );
    }
    const { dbname, env } = libpqConnection(this.config.url, this.config.ssl);
    const args = ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'];
    // Tables that exist (even empty, e.g. migrated by a first start) are dropped and recreated.
    if (target.hasTables) args.push('--clean', '--if-exists');
    await runPgTool(findPgTool('pg_restore'), [...args, `--dbname=${dbname}`, path], env);
    return { format, wiped: target.nonEmptyTables };
  }
}
