import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChatModule } from '../chat/chat.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { GptAnalysesModule } from '../gpt-analyses/gpt-analyses.module';
import { GptKeysCoreModule } from '../gpt-keys/gpt-keys.module';
import { LlmKeysCoreModule } from '../llm-providers/llm-keys-core.module';
import { LlmProvidersModule } from '../llm-providers/llm-providers.module';
import { OAuthModule } from '../oauth/oauth.module';
import { TimesheetsModule } from '../timesheets/timesheets.module';
import { UsersModule } from '../users/users.module';
import { createPanelLoader } from './admin-loader';
import { AdminPanelSetup } from './admin-panel.setup';
import { importAdminJs } from './adminjs-esm';

@Module({
  imports: [
    UsersModule,
    AuthModule,
    GptKeysCoreModule,
    GptAnalysesModule,
    LlmKeysCoreModule,
    LlmProvidersModule,
    ChatModule,
    OAuthModule,
    FeedbackModule,
    TimesheetsModule,
  ],
  providers: [AdminPanelSetup],
  exports: [AdminPanelSetup],
})
class AdminPanelSetupModule {}

/**
 * The AdminJS back-office at /admin (configuration in the top-level admin/ folder), mounted by
 * @adminjs/nestjs on the Express adapter. Its router is plain Express: Nest guards do not run
 * there; access is enforced by AdminJS's isAccessible rules (admin/access.ts) and the session.
 */
@Module({})
export class AdminPanelModule {
  static async forRootAsync(): Promise<DynamicModule> {
    const lib = await importAdminJs();
    const AdminJS = lib.adminjs.default;
    AdminJS.registerAdapter({ Database: lib.typeorm.Database, Resource: lib.typeorm.Resource });
    // AdminModule calls admin.watch() on init, which outside NODE_ENV=production runs rollup in
    // watch mode (CPU, memory, and a watcher outliving tests). The loader bundles once instead.
    AdminJS.prototype.watch = () => Promise.resolve(undefined);
    return {
      module: AdminPanelModule,
      imports: [
        lib.nestjs.AdminModule.createAdminAsync({
          imports: [AdminPanelSetupModule],
          inject: [AdminPanelSetup],
          useFactory: (setup: AdminPanelSetup) => setup.moduleOptions(lib),
          customLoader: createPanelLoader(lib),
        }),
      ],
    };
  }
}
