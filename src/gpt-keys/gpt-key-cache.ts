import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type Redis from 'ioredis';
import type { AuthenticatedGptKey } from '../common/auth/principal';
import { REDIS, subscribeToChannel } from '../common/redis/redis.module';
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
  private readonly entries = new Map<string, { key: CachedGptKey | null; until: number }>();
  private readonly loading = new Map<string, Promise<CachedGptKey | null>>();
  private subscriber: Redis | null = null;

  constructor(
    @Inject(gptConfig.KEY) private readonly config: ConfigType<typeof gptConfig>,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  /** The cached record of a hash (null: known to be unknown), or undefined if not cached. */
  peek(hash: string): CachedGptKey | null | undefined {
    const hit = this.entries.get(hash);
    return hit && hit.until > Date.now() ? hit.key : undefined;
  }

  async get(hash: string, load: () => Promise<CachedGptKey | null>): Promise<CachedGptKey | null> {
    const now = Date.now();
    const hit = this.entries.get(hash);
    if (hit && hit.until > now) return hit.key;

    const pending = this.loading.get(hash);
    if (pending) return pending;
    const promise = load()
      .then((key) => {
        if (this.config.keyCacheTtlMs > 0) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(hash, { key, until: Date.now() + this.config.keyCacheTtlMs });
        }
        return key;
      })
      .finally(() => this.loading.delete(hash));
    this.loading.set(hash, promise);
    return promise;
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
    for (const [hash, entry] of this.entries)
      if (entry.key?.id === keyId) this.entries.delete(hash);
    // A new key may now exist for a hash cached as unknown: drop those too.
    for (const [hash, entry] of this.entries) if (entry.key === null) this.entries.delete(hash);
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
