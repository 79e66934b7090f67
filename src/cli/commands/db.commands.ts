import { Command } from 'nest-commander';
import { MigrationsService } from '../../database/migrations.service';
import { CliCommand } from '../cli-command';

@Command({ name: 'db:migrate', description: 'Apply pending database migrations' })
export class MigrateCommand extends CliCommand {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  protected async execute() {
    const applied = await this.migrations.run();
    this.print(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  }
}

@Command({ name: 'db:migrate:revert', description: 'Revert the last applied migration' })
export class RevertMigrationCommand extends CliCommand {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  protected async execute() {
    const reverted = await this.migrations.revertLast();
    this.print(reverted.length ? `Reverted: ${reverted.join(', ')}` : 'No migration to revert.');
  }
}
