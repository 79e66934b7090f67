import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { PasserelleExpressAdapter } from './common/http/express-adapter';
import { installGracefulShutdown } from './common/lifecycle/graceful-shutdown';
import { startupLines } from './common/logging/startup-lines';
import { databaseConfig, type DatabaseConfig } from './config';
import { configureApp } from './configure-app';

async function bootstrap() {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule,
    new PasserelleExpressAdapter(),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  const config = configureApp(app);
  await app.listen(config.port);
  const logger = app.get(Logger);
  installGracefulShutdown(app, config.shutdownGraceMs, logger);
  const database = app.get<DatabaseConfig>(databaseConfig.KEY);
  for (const line of startupLines(config.appUrl, database)) logger.log(line, 'Bootstrap');
}

bootstrap().catch((err: Error) => {
  // Config errors name the variable; anything else prints its stack.
  console.error(err.name === 'ConfigValidationError' ? err.message : err);
  process.exit(1);
});
