import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config';
import { DatabaseRole, openDataSource, runMigrations } from './data-source';
import { MigrationsService } from './migrations.service';

export interface DatabaseModuleOptions {
  /** `own` for the server (it opens the embedded database); `share` for CLI commands. */
  role: DatabaseRole;
  /** Apply pending migrations on start (the server, unless MIGRATIONS_RUN=false). */
  migrate: boolean;
}

/**
 * Provides the TypeORM DataSource under the token @nestjs/typeorm's forFeature() expects,
 * built by the same factory for the server, the CLI and the migration commands.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [databaseConfig.KEY],
          useFactory: async (config: ConfigType<typeof databaseConfig>) => {
            const ds = await openDataSource(config, options.role);
            if (options.migrate && config.migrationsRun) {
              const applied = await runMigrations(ds);
              if (applied.length)
                new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
            }
            return ds;
          },
        },
        MigrationsService,
      ],
      exports: [DataSource, MigrationsService],
    };
  }

  async onApplicationShutdown() {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
