import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import { LifecycleState } from './lifecycle.state';

/**
 * Nest's own shutdown closes the HTTP server last, after the database: requests still in
 * flight would fail. Here SIGTERM first stops accepting connections and lets in-flight
 * requests finish (up to `graceMs`), then runs Nest's hooks (usage flush, then database close).
 */
export function installGracefulShutdown(
  app: INestApplication,
  graceMs: number,
  logger: LoggerService,
) {
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    app.get(LifecycleState).draining = true;
    logger.log(`${signal} received: draining in-flight requests (grace ${graceMs} ms)`, 'Shutdown');
    const server = app.getHttpServer() as Server;
    // Busy keep-alive connections would otherwise keep being reused until the grace period
    // ends: tell every client to close after its current response.
    server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    const force = setTimeout(() => {
      logger.warn('Grace period over: closing remaining connections', 'Shutdown');
      server.closeAllConnections();
    }, graceMs);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(force);
    try {
      await app.close();
      logger.log('Shutdown complete', 'Shutdown');
      process.exit(0);
    } catch (err) {
      logger.error(`Shutdown failed: ${(err as Error).message}`, undefined, 'Shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}
