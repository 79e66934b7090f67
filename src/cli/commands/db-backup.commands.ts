import { Command, Option } from 'nest-commander';
import {
  BackupFormat,
  DatabaseBackupService,
  DumpMismatchError,
  RestoreRefusedError,
} from '../../database/backup/database-backup.service';
import type { RowCounts } from '../../database/backup/logical-dump';
import { CliCommand, CliError } from '../cli-command';

const FORMATS: BackupFormat[] = ['custom', 'logical'];

@Command({
  name: 'db:backup',
  arguments: '[file]',
  description:
    'Back up the database to a file (default backups/passerelle-<engine>-<time>.<ext>): ' +
    'pg_dump custom format on PostgreSQL, a logical dump of the embedded database',
})
export class DbBackupCommand extends CliCommand {
  constructor(private readonly backups: DatabaseBackupService) {
    super();
  }

  @Option({
    flags: '--format <format>',
    description: 'custom (pg_dump, PostgreSQL only) or logical (either engine)',
  })
  parseFormat(value: string): string {
    return value;
  }

  protected async execute([file]: string[], options: { format?: string }) {
    const format = (options.format ?? this.backups.defaultFormat()) as BackupFormat;
    if (!FORMATS.includes(format)) {
      throw new CliError(`--format must be custom or logical (got "${options.format}")`);
    }
    const target = file ?? this.backups.defaultFile(format);
    const started = Date.now();
    const r = await wrap(() => this.backups.backup(target, format));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.print(
      `Backed up the ${this.backups.engine} database (${r.format} format) to ${r.file} in ${seconds} s`,
    );
    this.print(`${(r.bytes / 1024).toFixed(1)} KiB${r.rows ? `, ${summary(r.rows)}` : ''}`);
    this.print('The file holds password hashes and encrypted provider keys: store it as a secret.');
  }
}

@Command({
  name: 'db:restore',
  arguments: '<file>',
  description:
    'Restore a db:backup file into this database, in one transaction; refuses a database holding data unless --force',
})
export class DbRestoreCommand extends CliCommand {
  constructor(private readonly backups: DatabaseBackupService) {
    super();
  }

  @Option({
    flags: '--force',
    description: 'Replace the content of a database that already holds data',
  })
  parseForce() {
    return true;
  }

  protected async execute([file]: string[], options: { force?: boolean }) {
    const r = await wrap(() => this.backups.restore(file, { force: options.force === true }));
    if (r.wiped.length) this.print(`Replaced the rows of ${r.wiped.length} table(s).`);
    this.print(
      `Restored ${file} (${r.format} format) into the ${this.backups.engine} database` +
        (r.rows ? `: ${summary(r.rows)}` : '.'),
    );
    this.print('Restart running servers so no cache outlives the restore.');
  }
}

/** Refusals and mismatches are the operator's to fix: one `error:` line, exit 1. */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RestoreRefusedError || err instanceof DumpMismatchError) {
      throw new CliError(err.message);
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(`no such file: ${(err as NodeJS.ErrnoException).path}`);
    }
    throw err;
  }
}

function summary(rows: RowCounts): string {
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  return `${total} rows in ${Object.keys(rows).length} tables`;
}
