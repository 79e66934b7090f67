import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { BaseEntity } from 'typeorm';
import { LlmApiKeyEntity } from '../entities/llm-api-key.entity';
import { LlmUsageLogEntity } from '../entities/llm-usage-log.entity';
import { BatchWriter } from '../../common/batch-writer';
import { MetricsService } from '../../metrics/metrics.service';

export type LlmUsageRecord = Omit<LlmUsageLogEntity, 'id' | 'createdAt' | keyof BaseEntity> & {
  createdAt?: Date;
};

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
    @InjectRepository(LlmUsageLogEntity) private readonly logs: Repository<LlmUsageLogEntity>,
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
      costUsd: entry.costMicroUsd / 1e6,
      mock: entry.isMock,
    });
  }

  /**
   * What a key has cost (micro-dollars, mock calls excluded) since `since`: one aggregate on
   * the (key_id, created_at) index, plus the calls not written yet. A batch being committed
   * may be counted twice for a moment, which errs on the safe side.
   */
  async spentSince(keyId: string, since: Date): Promise<number> {
    const [row] = await this.logs.query<{ spent: string }[]>(
      `SELECT coalesce(sum(cost_micro_usd), 0) AS spent FROM llm_usage_logs
        WHERE key_id = $1 AND created_at >= $2 AND NOT is_mock`,
      [keyId, since],
    );
    let spent = Number(row.spent);
    for (const e of this.writer.items()) {
      if (e.keyId === keyId && !e.isMock && e.createdAt! >= since) spent += e.costMicroUsd;
    }
    return spent;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async write(batch: LlmUsageRecord[]): Promise<void> {
    for (;;) {
      try {
        return await this.insert(batch);
      } catch (err) {
        // A key, user or conversation deleted since the call: keep the log, drop the link.
        if ((err as { code?: string }).code === '23503' && (await this.unlinkDeleted(batch)))
          continue;
        throw err;
      }
    }
  }

  private insert(batch: LlmUsageRecord[]): Promise<void> {
    return this.logs.manager.transaction(async (m) => {
      await m
        .getRepository(LlmUsageLogEntity)
        .insert(batch as QueryDeepPartialEntity<LlmUsageLogEntity>[]);
      const perKey = new Map<string, { count: number; last: Date }>();
      for (const e of batch) {
        if (!e.keyId) continue;
        const k = perKey.get(e.keyId) ?? { count: 0, last: e.createdAt! };
        k.count += 1;
        if (e.createdAt! > k.last) k.last = e.createdAt!;
        perKey.set(e.keyId, k);
      }
      for (const [id, k] of perKey) {
        await m
          .getRepository(LlmApiKeyEntity)
          .createQueryBuilder()
          .update()
          .set({
            usageCount: () => `usage_count + ${k.count}`,
            lastUsedAt: () => `GREATEST(last_used_at, :last)`,
          })
          .setParameter('last', k.last)
          .where('id = :id', { id })
          .execute();
      }
    });
  }

  private async unlinkDeleted(batch: LlmUsageRecord[]): Promise<boolean> {
    let changed = false;
    for (const [field, table] of [
      ['keyId', 'llm_api_keys'],
      ['userId', 'users'],
      ['conversationId', 'llm_conversations'],
    ] as const) {
      const ids = [...new Set(batch.map((e) => e[field]).filter((v): v is string => !!v))];
      if (ids.length === 0) continue;
      const rows = await this.logs.query<{ id: string }[]>(
        `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const alive = new Set(rows.map((r) => r.id));
      for (const e of batch) {
        if (e[field] && !alive.has(e[field]!)) {
          e[field] = null;
          changed = true;
        }
      }
    }
    return changed;
  }

  /** Before, not on, application shutdown: the database closes on shutdown. */
  beforeApplicationShutdown(): Promise<void> {
    return this.writer.close();
  }
}
