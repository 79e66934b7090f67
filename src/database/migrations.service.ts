import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pendingMigrations, runMigrations } from './data-source';

/**
 * The schema's migrations, for the CLI (db:migrate, db:migrate:revert, and the commands that
 * refuse to run on a database that lacks some): commands call this, never the DataSource.
 */
@Injectable()
export class MigrationsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Applies pending migrations (one instance at a time); the names applied. */
  run(): Promise<string[]> {
    return runMigrations(this.dataSource);
  }

  /** Names of migrations known to the code but not applied to this database. */
  pending(): Promise<string[]> {
    return pendingMigrations(this.dataSource);
  }

  /** Reverts the last applied migration; the names reverted (none when nothing was applied). */
  async revertLast(): Promise<string[]> {
    const before = new Set(await this.pending());
    await this.dataSource.undoLastMigration({ transaction: 'each' });
    return (await this.pending()).filter((name) => !before.has(name));
  }
}
