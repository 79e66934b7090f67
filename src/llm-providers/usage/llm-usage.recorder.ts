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
import { MetricsService } from '../../metrics/metrics.service';

export type LlmUsageRecord = Omit<LlmUsageLogEntity, 'id' | 'createdAt' | keyof BaseEntity> & {
  createdAt?: Date;
};

const FLUSH_MS = 1_000;
const MAX_BATCH = 500;

/**
 * Usage logs are written in batches off the request path (every second, and before the
 * database closes on shutdown): logging never delays a response. Key usage counters are
 * bumped in the same transaction. Rows that fail to write are kept for the next flush.
 */
@Injectable()
export class LlmUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LlmUsageRecorder.name);
  private pending: LlmUsageRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectRepository(LlmUsageLogEntity) private readonly logs: Repository<LlmUsageLogEntity>,
    /** Absent in the CLI, which serves no /metrics. */
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(entry: LlmUsageRecord): void {
    this.pending.push({ ...entry, createdAt: entry.createdAt ?? new Date() });
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
   * the (key_id, created_at) index, plus the calls still waiting for the next flush. A batch
   * being committed may be counted twice for a moment, which errs on the safe side.
   */
  async spentSince(keyId: string, since: Date): Promise<number> {
    const [row] = await this.logs.query<{ spent: string }[]>(
      `SELECT coalesce(sum(cost_micro_usd), 0) AS spent FROM llm_usage_logs
        WHERE key_id = $1 AND created_at >= $2 AND NOT is_mock`,
      [keyId, since],
    );
    let spent = Number(row.spent);
    for (const e of this.pending) {
      if (e.keyId === keyId && !e.isMock && e.createdAt! >= since) spent += e.costMicroUsd;
    }
    return spent;
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, MAX_BATCH);
      try {
        await this.logs.manager.transaction(async (m) => {
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
        this.pending = this.pending.slice(batch.length);
      } catch (err) {
        // A key, user or conversation deleted since the call: keep the log, drop the link.
        if ((err as { code?: string }).code === '23503' && (await this.unlinkDeleted(batch)))
          continue;
        this.logger.warn(`LLM usage logs not written yet, will retry: ${(err as Error).message}`);
        return;
      }
    }
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

  async beforeApplicationShutdown() {
    clearInterval(this.timer);
    for (let attempt = 0; attempt < 3 && this.pending.length > 0; attempt++) await this.flush();
    if (this.pending.length > 0)
      this.logger.error(`Lost ${this.pending.length} LLM usage log(s) at shutdown`);
  }
}
