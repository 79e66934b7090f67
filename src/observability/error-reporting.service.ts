import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type * as SentrySdk from '@sentry/nestjs';
import { SESSION_TOKEN_PREFIX } from '../auth/auth.service';
import type { ErrorObserver, ObservedError } from '../common/errors/error-observer';
import { gptConfig, observabilityConfig, type GptConfig } from '../config';
import type { SentryConfig } from '../config/observability.config';
import { SAFE_HEADERS, SentryScrubber } from './sentry-scrubber';

export interface ErrorContext {
  requestId: string;
  method: string;
  /** Route template (`/api/gpt/devis/:id`), or `unmatched`. */
  route: string;
}

/** How long shutdown waits for events still being sent. */
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * Sends unexpected errors to Sentry when SENTRY_DSN is set; otherwise does nothing and never
 * loads the SDK (no start-up or per-request cost).
 *
 * Why the SDK starts here and not from an `instrument.ts` imported first in main.ts, as
 * @sentry/nestjs documents: that early import exists for performance auto-instrumentation
 * (patching express, pg... as they are required), which we do not use. Error capture only needs
 * `captureException`, called by the exception filter. Starting here, after the .env file is
 * read and the config validated, the server and the e2e tests take the same path, and the
 * SDK's loader hooks stay off. Process-level crashes (uncaught exceptions, unhandled
 * rejections) are still reported once the app has started; they still end the process.
 */
@Injectable()
export class ErrorReportingService implements ErrorObserver, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ErrorReporting');
  private sentry: typeof SentrySdk | null = null;

  constructor(
    @Inject(observabilityConfig.KEY)
    private readonly config: ConfigType<typeof observabilityConfig>,
    @Inject(gptConfig.KEY) private readonly gpt: GptConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = this.config.sentry;
    if (!options) return;
    const sentry = await import('@sentry/nestjs');
    sentry.init(this.sdkOptions(sentry, options));
    this.sentry = sentry;
    this.logger.log(`Reporting unexpected errors to Sentry (${options.environment})`);
  }

  /** From the error filter: unexpected errors (5xx other than a database outage) are reported. */
  observe({ exception, status, code, requestId, method, route }: ObservedError): void {
    if (status >= 500 && code !== 'DATABASE_UNAVAILABLE') {
      this.report(exception, { requestId, method, route });
    }
  }

  /** Reports an error answered with a 5xx, named and tagged by route, not by path. */
  report(exception: unknown, { requestId, method, route }: ErrorContext): void {
    const sentry = this.sentry;
    if (!sentry) return;
    sentry.withScope((scope) => {
      scope.setTransactionName(`${method} ${route}`);
      scope.setTags({ request_id: requestId, method, route });
      sentry.captureException(exception);
    });
  }

  /** Runs from app.close(), which graceful shutdown calls: events still queued are sent first. */
  async onApplicationShutdown(): Promise<void> {
    const sentry = this.sentry;
    this.sentry = null;
    await sentry?.close(CLOSE_TIMEOUT_MS);
  }

  private sdkOptions(sentry: typeof SentrySdk, options: SentryConfig): SentrySdk.NodeOptions {
    const scrubber = new SentryScrubber([this.gpt.keyPrefix, 'torp_gpt_', SESSION_TOKEN_PREFIX]);
    return {
      dsn: options.dsn,
      environment: options.environment,
      // 0: tracing off (no transaction is built), rather than built and then dropped.
      tracesSampleRate: options.tracesSampleRate > 0 ? options.tracesSampleRate : undefined,
      // The v10 replacement of `sendDefaultPii: false`, stricter: no user, IP, cookies, bodies,
      // query strings, local variables, database values or LLM prompts; four plain headers.
      dataCollection: {
        userInfo: false,
        cookies: false,
        httpHeaders: { request: { allow: SAFE_HEADERS }, response: false },
        httpBodies: [],
        urlQueryParams: false,
        graphQL: { document: false, variables: false },
        genAI: { inputs: false, outputs: false },
        databaseQueryData: false,
        stackFrameVariables: false,
      },
      // No ESM loader hook and no trace headers on our calls to LLM providers and webhooks.
      registerEsmLoaderHooks: false,
      tracePropagationTargets: [],
      integrations: (defaults) => [
        // Nest's instrumentation patches @nestjs/core when it is required, long done by now;
        // console breadcrumbs are dropped by the scrubber anyway.
        ...defaults.filter(
          (i) => !['Nest', 'Console', 'Http', 'OnUnhandledRejection'].includes(i.name),
        ),
        sentry.httpIntegration({
          trackIncomingRequestsAsSessions: false,
          maxIncomingRequestBodySize: 'none',
        }),
        // Report, then exit as Node does without a handler (the default `warn` would keep running).
        sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
      ],
      beforeSend: (event) => scrubber.event(event),
      beforeSendTransaction: (event) => scrubber.event(event),
      beforeBreadcrumb: (crumb) => scrubber.breadcrumb(crumb),
    };
  }
}
