import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { REDIS, subscribeToChannel } from '../common/redis/redis.module';

const CHANNEL = 'passerelle:chat:messages';

/**
 * "Session X has messages up to sequence N": told to this instance's SSE streams at once and,
 * with Redis, to every other instance through pub/sub. Only the fact travels; streams read
 * the messages from the database after their cursor, so SSE and polling see the same rows.
 */
@Injectable()
export class ChatEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChatEvents.name);
  private readonly local = new EventEmitter().setMaxListeners(0);
  private readonly instanceId = randomUUID();
  private subscriber: Redis | null = null;

  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  publish(sessionId: string, lastSequence: number): void {
    this.local.emit(sessionId, lastSequence);
    if (!this.redis) return;
    const payload = JSON.stringify({ from: this.instanceId, sessionId, lastSequence });
    this.redis.publish(CHANNEL, payload).catch((err: Error) => {
      this.logger.warn(
        `Chat notification not published (${err.message}); other instances' clients catch up by polling`,
      );
    });
  }

  /** Calls `listener` with the newest sequence whenever the session gets messages. */
  subscribe(sessionId: string, listener: (lastSequence: number) => void): () => void {
    this.local.on(sessionId, listener);
    return () => this.local.off(sessionId, listener);
  }

  onModuleInit() {
    if (!this.redis) return;
    this.subscriber = subscribeToChannel(
      this.redis,
      CHANNEL,
      (raw) => {
        try {
          const n = JSON.parse(raw) as { from: string; sessionId: string; lastSequence: number };
          if (n.from !== this.instanceId) this.local.emit(n.sessionId, n.lastSequence);
        } catch {
          // not ours
        }
      },
      (err) => this.logger.warn(`Not subscribed to chat notifications (${err.message})`),
    );
  }

  onApplicationShutdown() {
    this.subscriber?.disconnect();
  }
}
