import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { buildAdminJsOptions } from '../../admin/admin-options';
import { AuthService } from '../auth/auth.service';
import { ChatStaffService } from '../chat/chat-staff.service';
import { adminConfig, authConfig } from '../config';
import { FeedbackService } from '../feedback/feedback.service';
import { GptKeysService } from '../gpt-keys/gpt-keys.service';
import { GptAnalysesService } from '../gpt-analyses/gpt-analyses.service';
import { LlmKeyTestService } from '../llm-providers/llm-key-test.service';
import { LlmKeysService } from '../llm-providers/llm-keys.service';
import { LlmUsageService } from '../llm-providers/usage/llm-usage.service';
import { OAuthGrantsService } from '../oauth/oauth-grants.service';
import { TimesheetsHierarchyService } from '../timesheets/timesheets-hierarchy.service';
import { TimesheetsReportService } from '../timesheets/timesheets-report.service';
import { UsersService } from '../users/users.service';
import { AdminAuthenticator } from './admin-authenticator';
import type { PanelModuleOptions } from './admin-loader';
import { createAdminSessionStore } from './admin-session.store';
import type { AdminJsModules } from './adminjs-esm';
import { pgPool } from '../database/kit/pg-pool';

/** Gathers what the back-office needs from the app and turns it into AdminModule options. */
@Injectable()
export class AdminPanelSetup implements OnModuleDestroy {
  private store?: ReturnType<typeof createAdminSessionStore>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly gptKeys: GptKeysService,
    private readonly llmKeys: LlmKeysService,
    private readonly llmUsage: LlmUsageService,
    private readonly llmKeyTest: LlmKeyTestService,
    private readonly chat: ChatStaffService,
    private readonly analyses: GptAnalysesService,
    private readonly oauthGrants: OAuthGrantsService,
    private readonly feedback: FeedbackService,
    private readonly timesheetHierarchy: TimesheetsHierarchyService,
    private readonly timesheetReports: TimesheetsReportService,
    @Inject(ThrottlerStorage) private readonly limits: ThrottlerStorage,
    @Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>,
    @Inject(authConfig.KEY) private readonly authCfg: ConfigType<typeof authConfig>,
  ) {}

  moduleOptions(lib: AdminJsModules): PanelModuleOptions {
    const authenticator = new AdminAuthenticator(this.auth, this.users, this.limits, this.authCfg);
    // The app's own pool (on the embedded database, its socket): no second set of connections.
    this.store = createAdminSessionStore(pgPool(this.dataSource), (admin) =>
      authenticator.recheck(admin),
    );
    return {
      adminJsOptions: buildAdminJsOptions(lib.adminjs, {
        rootPath: this.config.rootPath,
        gptKeys: this.gptKeys,
        llmKeys: this.llmKeys,
        llmUsage: this.llmUsage,
        llmKeyTester: () => this.llmKeyTest,
        users: this.users,
        chat: this.chat,
        analyses: this.analyses,
        oauthGrants: this.oauthGrants,
        feedback: this.feedback,
        timesheetHierarchy: this.timesheetHierarchy,
        timesheetReports: this.timesheetReports,
      }),
      auth: {
        authenticate: (email, password, ctx) => authenticator.authenticate(email, password, ctx),
        cookieName: this.config.cookieName,
        cookiePassword: this.config.cookieSecret,
      },
      sessionOptions: {
        store: this.store,
        secret: this.config.cookieSecret,
        resave: false,
        saveUninitialized: false,
        cookie: {
          httpOnly: true,
          sameSite: 'lax',
          secure: this.config.cookieSecure,
          path: this.config.rootPath,
          maxAge: this.authCfg.sessionTtlMs,
        },
      },
      panel: { bundleDir: this.config.bundleDir, skipBundle: this.config.skipBundle },
    };
  }

  onModuleDestroy() {
    this.store?.close();
  }
}
