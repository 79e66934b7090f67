import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BatchWriter } from '../common/batch-writer';
import { gptConfig } from '../config';
import { GptKeysRepository, UsageDelta } from './gpt-keys.repository';

/**
 * Counts GPT key use in memory, one count per key and UTC day, written in one batched UPDATE
 * every GPT_USAGE_FLUSH_MS, so a request never waits on a database write.
 */
@Injectable()
export class GptKeyUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly writer: BatchWriter<UsageDelta>;

  constructor(
    repo: GptKeysRepository,
    @Inject(gptConfig.KEY) config: ConfigType<typeof gptConfig>,
  ) {
    this.writer = new BatchWriter({
      label: 'GPT key usage count(s)',
      intervalMs: config.usageFlushMs,
      logger: new Logger(GptKeyUsageRecorder.name),
      write: (batch) => repo.addUsage(batch),
      mergeBy: {
        key: (d) => `${d.keyId}/${d.day}`,
        merge: (older, newer) => ({
          ...older,
          count: older.count + newer.count,
          lastUsedAt: newer.lastUsedAt,
        }),
      },
    });
  }

  onModuleInit() {
    this.writer.start();
  }

  record(keyId: string, at = new Date()): void {
    this.writer.add({ keyId, day: at.toISOString().slice(0, 10), count: 1, lastUsedAt: at });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Before, not on, application shutdown: the database closes on shutdown. */
  beforeApplicationShutdown(): Promise<void> {
    return this.writer.close();
  }
}
