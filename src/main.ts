import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { PasserelleExpressAdapter } from './common/http/express-adapter';
import { installGracefulShutdown } from './common/lifecycle/graceful-shutdown';
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
  logger.log(
    `Passerelle listening on ${config.appUrl} (docs at ${config.appUrl}/docs)`,
    'Bootstrap',
  );
}

bootstrap().catch((err: Error) => {
  // Config errors name the variable; anything else prints its stack.
  console.error(err.name === 'ConfigValidationError' ? err.message : err);
  process.exit(1);
});
