import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AdminPanelModule } from './admin-panel/admin-panel.module';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { CommonModule } from './common/common.module';
import { McpModule } from './mcp/mcp.module';
import { OAuthModule } from './oauth/oauth.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsService } from './metrics/metrics.service';
import { ErrorReportingService } from './observability/error-reporting.service';
import { ObservabilityModule } from './observability/observability.module';
import { LoggingModule } from './common/logging/logging.module';
import { allConfigs } from './config';
import { DatabaseModule } from './database/database.module';
import { DevisModule } from './devis/devis.module';
import { FeedbackModule } from './feedback/feedback.module';
import { TimesheetsModule } from './timesheets/timesheets.module';
import { GptAnalysesModule } from './gpt-analyses/gpt-analyses.module';
import { GptKeysModule } from './gpt-keys/gpt-keys.module';
import { GptSchemaModule } from './gpt-schema/gpt-schema.module';
import { HealthModule } from './health/health.module';
import { LlmProvidersModule } from './llm-providers/llm-providers.module';
import { LlmTemplatesModule } from './llm-providers/templates/templates.module';
import { LlmUsageModule } from './llm-providers/usage/llm-usage.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      load: allConfigs,
      ignoreEnvFile: process.env.NODE_ENV === 'test',
    }),
    LoggingModule,
    DatabaseModule.forRoot({ role: 'own', migrate: true }),
    // The error filter (common/) counts refused credentials and reports unexpected errors.
    CommonModule.forRoot({ errorObservers: [MetricsService, ErrorReportingService] }),
    MetricsModule,
    ObservabilityModule,
    // Express tries routes in the order they were registered, which is this order: the
    // high-rate traffic first (GPT Actions, chat visitors polling every 2 s), the rest after.
    GptKeysModule,
    GptAnalysesModule,
    McpModule,
    OAuthModule,
    ChatModule,
    HealthModule,
    UsersModule,
    AuthModule,
    DevisModule,
    GptSchemaModule,
    LlmProvidersModule,
    LlmUsageModule,
    LlmTemplatesModule,
    FeedbackModule,
    TimesheetsModule,
    AdminPanelModule.forRootAsync(),
  ],
})
export class AppModule {}
