import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RedisModule } from '../common/redis/redis.module';
import { allConfigs } from '../config';
import { DatabaseModule } from '../database/database.module';
import { DevisModule } from '../devis/devis.module';
import { TimesheetsModule } from '../timesheets/timesheets.module';
import { GptKeysCoreModule } from '../gpt-keys/gpt-keys.module';
import { UsersModule } from '../users/users.module';
import { DatabaseBackupService } from '../database/backup/database-backup.service';
import { DbBackupCommand, DbRestoreCommand } from './commands/db-backup.commands';
import { DbSeedCommand } from './commands/db-seed.command';
import { MigrateCommand, RevertMigrationCommand } from './commands/db.commands';
import {
  GptCreateKeyCommand,
  GptDeactivateKeyCommand,
  GptDeleteKeyCommand,
  GptListKeysCommand,
  GptSetupCommand,
  GptUpdateKeyCommand,
} from './commands/gpt-keys.commands';
import { LlmRepriceCommand } from './commands/llm-reprice.command';
import { LlmRotateEncryptionKeyCommand } from './commands/llm-rotate-key.command';
import { UserCreateCommand } from './commands/user-create.command';
import { LlmKeysCoreModule } from '../llm-providers/llm-keys-core.module';

/**
 * The operators' CLI: the same services as the HTTP API, on the same database. With the
 * embedded database it connects to the running server's database, or opens it if none runs.
 */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      load: allConfigs,
      ignoreEnvFile: process.env.NODE_ENV === 'test',
    }),
    DatabaseModule.forRoot({ role: 'share', migrate: false }),
    RedisModule,
    UsersModule,
    GptKeysCoreModule,
    DevisModule,
    LlmKeysCoreModule,
    TimesheetsModule,
  ],
  providers: [
    MigrateCommand,
    RevertMigrationCommand,
    DbSeedCommand,
    DbBackupCommand,
    DbRestoreCommand,
    DatabaseBackupService,
    UserCreateCommand,
    GptSetupCommand,
    GptCreateKeyCommand,
    GptListKeysCommand,
    GptUpdateKeyCommand,
    GptDeactivateKeyCommand,
    GptDeleteKeyCommand,
    LlmRotateEncryptionKeyCommand,
    LlmRepriceCommand,
  ],
})
export class CliModule {}
