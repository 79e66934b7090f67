import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { LlmUsageRepository, type LlmUsageRecord } from './llm-usage.repository';
import { BatchWriter } from '../../common/batch-writer';
import { MetricsService } from '../../metrics/metrics.service';

export type { LlmUsageRecord };

const FLUSH_MS = 1_000;
const MAX_BATCH = 500;

/**
 * Usage logs are written in batches off the request path (every second, and before the
 * database closes on shutdown): logging never delays a response. Key usage counters are
 * bumped in the same transaction.
 */
@Injectable()
export class LlmUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly writer = new BatchWriter<LlmUsageRecord>({
    label: 'LLM usage log(s)',
    intervalMs: FLUSH_MS,
    maxBatch: MAX_BATCH,
    logger: new Logger(LlmUsageRecorder.name),
    write: (batch) => this.write(batch),
  });

  constructor(
    private readonly logs: LlmUsageRepository,
    /** Absent in the CLI, which serves no /metrics. */
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit() {
    this.writer.start();
  }

  record(entry: LlmUsageRecord): void {
    this.writer.add({ ...entry, createdAt: entry.createdAt ?? new Date() });
    this.metrics?.llmCall({
      provider: entry.provider,
      model: entry.model,
      status: entry.status,
      promptTokens: entry.promptTokens,
      completionTokens: entry.completionTokens,
      costUsd: entry.costMicroUsd === null ? null : entry.costMicroUsd / 1e6,
      mock: entry.isMock,
    });
  }

  /**
   * What a key has cost (micro-dollars, mock calls excluded) since `since`: one aggregate on
   * the (key_id, created_at) index, plus the calls not written yet. A batch being committed
   * may be counted twice for a moment, which errs on the safe side. Unpriced calls (null cost)
   * add nothing: a key with a budget never makes them (the gateway fails closed).
   */
  async spentSince(keyId: string, since: Date): Promise<number> {
    let spent = await this.logs.spentSince(keyId, since);
    for (const e of this.writer.items()) {
      if (e.keyId === keyId && !e.isMock && e.createdAt! >= since) spent += e.costMicroUsd ?? 0;
    }
    return spent;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async write(batch: LlmUsageRecord[]): Promise<void> {
    for (;;) {
      try {
        return await this.logs.insertBatch(batch);
      } catch (err) {
        // A key, user or conversation deleted since the call: keep the log, drop the link.
        if ((err as { code?: string }).code === '23503' && (await this.logs.unlinkDeleted(batch)))
          continue;
        throw err;
      }
    }
  }

  /** Before, not on, application shutdown: the database closes on shutdown. */
  beforeApplicationShutdown(): Promise<void> {
    return this.writer.close();
  }
}
