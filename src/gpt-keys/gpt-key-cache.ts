import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type Redis from 'ioredis';
import type { AuthenticatedGptKey } from '../common/auth/principal';
import { REDIS, subscribeToChannel } from '../common/redis/redis.module';
import { TtlCache } from '../common/ttl-cache';
import { gptConfig } from '../config';

export interface CachedGptKey extends AuthenticatedGptKey {
  isActive: boolean;
}

const CHANNEL = 'passerelle:gpt-keys:changed';
const MAX_ENTRIES = 10_000;

/**
 * Keys by hash, kept at most GPT_KEY_CACHE_TTL_MS (≤ 5 s) so a request needs no database
 * read. A change made here is dropped at once on this instance and, with Redis, announced
 * to the others; the TTL bounds staleness anyway (e.g. a change made by the CLI without Redis).
 * Unknown hashes are cached too, so junk keys cannot hammer the database.
 */
@Injectable()
export class GptKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(GptKeyCache.name);
  private readonly entries: TtlCache<string, CachedGptKey | null>;
  private subscriber: Redis | null = null;

  constructor(
    @Inject(gptConfig.KEY) config: ConfigType<typeof gptConfig>,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {
    this.entries = new TtlCache({ ttlMs: config.keyCacheTtlMs, maxEntries: MAX_ENTRIES });
  }

  /** The cached record of a hash (null: known to be unknown), or undefined if not cached. */
  peek(hash: string): CachedGptKey | null | undefined {
    return this.entries.peek(hash);
  }

  get(hash: string, load: () => Promise<CachedGptKey | null>): Promise<CachedGptKey | null> {
    return this.entries.getOrLoad(hash, load);
  }

  /** Forget a key here and on every instance listening on Redis. */
  async invalidate(keyId: string): Promise<void> {
    this.drop(keyId);
    if (!this.redis) return;
    await this.redis.publish(CHANNEL, keyId).catch((err: Error) => {
      this.logger.warn(
        `Could not announce a key change (${err.message}); other instances catch up within the cache TTL`,
      );
    });
  }

  private drop(keyId: string) {
    // A new key may now exist for a hash cached as unknown: drop those too.
    this.entries.invalidateWhere((key) => key === null || key.id === keyId);
  }

  onModuleInit() {
    if (!this.redis) return;
    this.subscriber = subscribeToChannel(
      this.redis,
      CHANNEL,
      (keyId) => this.drop(keyId),
      (err) =>
        this.logger.warn(
          `Not subscribed to key changes (${err.message}); relying on the cache TTL`,
        ),
    );
  }

  async onApplicationShutdown() {
    this.subscriber?.disconnect();
  }
}
