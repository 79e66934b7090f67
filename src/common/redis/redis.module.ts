import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { redisConfig } from '../../config';

/** The shared ioredis client, or null when REDIS_URL is unset. */
export const REDIS = Symbol('REDIS');

const logger = new Logger('Redis');

/**
 * Commands fail fast while Redis is unreachable (no offline queue, one retry, short timeouts):
 * callers fall back to per-instance behaviour instead of hanging on a dead Redis.
 */
export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  let lastReport = 0;
  client.on('error', (err: Error) => {
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      logger.warn(`Redis unavailable (${err.message}); falling back to per-instance behaviour`);
    }
  });
  client.on('ready', () => {
    if (lastReport) logger.log('Redis connection restored');
    lastReport = 0;
  });
  return client;
}

/**
 * Listens on a Redis channel with its own connection (a subscribed connection can do nothing
 * else). SUBSCRIBE is queued until Redis is reachable and ioredis re-subscribes after
 * reconnects; errors are not reported again (the main client already reports outages).
 * Returns the connection, to `disconnect()` on shutdown.
 */
export function subscribeToChannel(
  redis: Redis,
  channel: string,
  onMessage: (message: string) => void,
  onSubscribeError: (err: Error) => void,
): Redis {
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => onMessage(message));
  subscriber.subscribe(channel).catch(onSubscribeError);
  return subscriber;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [redisConfig.KEY],
      useFactory: (config: ConfigType<typeof redisConfig>) =>
        config.url ? createRedisClient(config.url) : null,
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown() {
    if (this.redis && this.redis.status !== 'end') {
      await this.redis.quit().catch(() => this.redis?.disconnect());
    }
  }
}
