import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { gptConfig } from '../config';
import { GptKeysRepository, UsageDelta } from './gpt-keys.repository';

/**
 * Counts GPT key use in memory and writes it in one batched UPDATE every GPT_USAGE_FLUSH_MS,
 * so a request never waits on a database write. Counts that fail to write are kept for the
 * next flush; the last flush runs before the database closes on shutdown.
 */
@Injectable()
export class GptKeyUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(GptKeyUsageRecorder.name);
  private pending = new Map<string, UsageDelta>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: GptKeysRepository,
    @Inject(gptConfig.KEY) private readonly config: ConfigType<typeof gptConfig>,
  ) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.flush(), this.config.usageFlushMs);
    this.timer.unref();
  }

  record(keyId: string, at = new Date()): void {
    const day = at.toISOString().slice(0, 10);
    const slot = `${keyId}/${day}`;
    const delta = this.pending.get(slot);
    if (delta) {
      delta.count += 1;
      delta.lastUsedAt = at;
    } else {
      this.pending.set(slot, { keyId, day, count: 1, lastUsedAt: at });
    }
  }

  /** Writes what is pending; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.repo.addUsage(batch);
    } catch (err) {
      for (const d of batch) {
        const slot = `${d.keyId}/${d.day}`;
        const now = this.pending.get(slot);
        this.pending.set(slot, {
          ...d,
          count: d.count + (now?.count ?? 0),
          lastUsedAt: now?.lastUsedAt ?? d.lastUsedAt,
        });
      }
      this.logger.warn(`Usage counts not written yet, will retry: ${(err as Error).message}`);
    }
  }

  async beforeApplicationShutdown() {
    clearInterval(this.timer);
    for (let attempt = 0; attempt < 3 && this.pending.size > 0; attempt++) {
      await this.flush();
    }
    if (this.pending.size > 0) {
      this.logger.error(`Lost usage counts of ${this.pending.size} key(s) at shutdown`);
    }
  }
}
