import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainException } from '../common/errors/domain.exception';
import { RateLimitStorage } from '../common/rate-limit/rate-limit.storage';
import { chatConfig } from '../config';

export type ChatLimitKind = 'message' | 'read' | 'create';

/**
 * Fixed-window limits of the chat routes, per IP and per session (per user for logged-in
 * users), on the app's rate-limit storage: shared through Redis when REDIS_URL is set,
 * per-instance otherwise (or while Redis is down).
 */
@Injectable()
export class ChatRateLimiter {
  constructor(
    private readonly storage: RateLimitStorage,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  perIp(kind: ChatLimitKind, ip: string): Promise<void> {
    return this.take(kind, `chat-${kind}-ip:${ip}`);
  }

  /** `subject`: `user:<id>` or `session:<id>`. */
  perSubject(kind: Exclude<ChatLimitKind, 'create'>, subject: string): Promise<void> {
    return this.take(kind, `chat-${kind}:${subject}`);
  }

  private async take(kind: ChatLimitKind, key: string): Promise<void> {
    const limit =
      kind === 'message'
        ? this.config.messageLimit
        : kind === 'read'
          ? this.config.readLimit
          : this.config.createSessionLimit;
    const window = await this.storage.consume(key, limit, this.config.rateWindowMs);
    if (window.allowed) return;
    const retryAfter = String(window.resetSeconds);
    throw DomainException.rateLimited(
      `Too many chat requests (${limit} per ${Math.round(this.config.rateWindowMs / 1000)} s); retry in ${retryAfter} s`,
      retryAfter,
    );
  }
}
