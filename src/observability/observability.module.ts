import { Global, Module } from '@nestjs/common';
import { ErrorReportingService } from './error-reporting.service';

/** Error reporting (Sentry when SENTRY_DSN is set); global so the exception filter can reach it. */
@Global()
@Module({
  providers: [ErrorReportingService],
  exports: [ErrorReportingService],
})
export class ObservabilityModule {}
