import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { DomainException } from '../errors/domain.exception';
import { REDIS } from '../redis/redis.module';

const HOUR_MS = 3_600_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The outcome of counting one request against a limit. */
export interface RateLimitWindow {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one (0 once over the limit). */
  remaining: number;
  /** Whole seconds until the window ends (at least 1). */
  resetSeconds: number;
}

interface WindowHit {
  totalHits: number;
  /** Milliseconds left in the current window. */
  ttlMs: number;
}

/**
 * Fixed-window counters: INCR, and start the window's expiry on the first hit, in one Lua call
 * so concurrent requests on several instances can never over-admit.
 */
const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

function toWindow(hit: WindowHit, limit: number): RateLimitWindow {
  return {
    allowed: hit.totalHits <= limit,
    limit,
    remaining: Math.max(0, limit - hit.totalHits),
    resetSeconds: Math.max(1, Math.ceil(hit.ttlMs / 1000)),
  };
}

/** Per-instance counters: used without Redis, and while Redis is unreachable. */
export class MemoryWindowCounter {
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  increment(key: string, ttlMs: number, now = Date.now()): WindowHit {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + ttlMs };
      this.windows.set(key, window);
    }
    window.hits += 1;
    return { totalHits: window.hits, ttlMs: window.resetAt - now };
  }

  private sweep(now = Date.now()) {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }

  stop() {
    clearInterval(this.sweeper);
  }
}

/**
 * The throttler storage: fixed windows (a key over its limit is refused until its window
 * ends, not for a further full window), shared through Redis when REDIS_URL is set.
 * If Redis fails, the request is counted in memory instead of failing or hanging.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger(RateLimitStorage.name);
  private readonly memory = new MemoryWindowCounter();
  private lastFallbackLog = 0;

  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  /**
   * Counts one request under `key` and says whether it is within `limit` per `windowMs`.
   * For callers that enforce a limit themselves (GPT keys, chat) instead of through ThrottlerGuard.
   */
  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitWindow> {
    return toWindow(await this.hit(key, windowMs), limit);
  }

  /**
   * `consume` without a promise when counters are per instance (no REDIS_URL); null when they
   * live in Redis and `consume` must be awaited.
   */
  consumeLocal(key: string, limit: number, windowMs: number): RateLimitWindow | null {
    if (this.redis) return null;
    return toWindow(this.memory.increment(key, windowMs), limit);
  }

  /**
   * One request of an hourly allowance (GPT keys, OAuth callers): counts it, writes the
   * `X-RateLimit-*` headers every answer carries, and past the limit throws 429 with
   * `Retry-After`. `who` ends the message: "for this key".
   */
  async consumeHourly(
    res: { setHeader(name: string, value: number | string): unknown },
    key: string,
    limit: number,
    who: string,
  ): Promise<void> {
    const window =
      this.consumeLocal(key, limit, HOUR_MS) ?? (await this.consume(key, limit, HOUR_MS));
    res.setHeader('X-RateLimit-Limit', limit);
    res.setHeader('X-RateLimit-Remaining', window.remaining);
    res.setHeader('X-RateLimit-Reset', window.resetSeconds);
    if (window.allowed) return;
    const retryAfter = String(window.resetSeconds);
    throw DomainException.rateLimited(
      `Hourly limit of ${limit} requests reached ${who}; retry in ${retryAfter} s`,
      retryAfter,
    );
  }

  /** The ThrottlerStorage contract, for @nestjs/throttler's guard. */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const hit = await this.hit(key, ttl);
    const timeToExpire = Math.max(1, Math.ceil(hit.ttlMs / 1000));
    const isBlocked = hit.totalHits > limit;
    return {
      totalHits: hit.totalHits,
      timeToExpire,
      isBlocked,
      timeToBlockExpire: isBlocked ? timeToExpire : 0,
    };
  }

  private async hit(key: string, ttlMs: number): Promise<WindowHit> {
    if (this.redis) {
      try {
        const [totalHits, ttl] = (await this.redis.eval(
          INCREMENT_SCRIPT,
          1,
          `rl:${key}`,
          ttlMs,
        )) as [number, number];
        return { totalHits, ttlMs: ttl };
      } catch (err) {
        this.reportFallback(err);
      }
    }
    return this.memory.increment(key, ttlMs);
  }

  private reportFallback(err: unknown) {
    if (Date.now() - this.lastFallbackLog < 30_000) return;
    this.lastFallbackLog = Date.now();
    this.logger.warn(
      `Rate limiting falls back to per-instance counters: Redis failed (${(err as Error).message})`,
    );
  }

  onModuleDestroy() {
    this.memory.stop();
  }
}
