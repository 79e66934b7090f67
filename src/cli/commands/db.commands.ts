import { Command } from 'nest-commander';
import { DataSource } from 'typeorm';
import { pendingMigrations, runMigrations } from '../../database/data-source';
import { CliCommand } from '../cli-command';

@Command({ name: 'db:migrate', description: 'Apply pending database migrations' })
export class MigrateCommand extends CliCommand {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async execute() {
    const applied = await runMigrations(this.dataSource);
    this.print(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  }
}

@Command({ name: 'db:migrate:revert', description: 'Revert the last applied migration' })
export class RevertMigrationCommand extends CliCommand {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async execute() {
    const before = new Set(await pendingMigrations(this.dataSource));
    await this.dataSource.undoLastMigration({ transaction: 'each' });
    const reverted = (await pendingMigrations(this.dataSource)).filter((n) => !before.has(n));
    this.print(reverted.length ? `Reverted: ${reverted.join(', ')}` : 'No migration to revert.');
  }
}
