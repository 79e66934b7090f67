import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { BaseEntity, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUuid } from '../../common/text';
import { LlmUsageLogEntity } from '../entities/llm-usage-log.entity';
import { LlmKeysRepository } from '../llm-keys.repository';
import type { UsageGroup } from './llm-usage.dto';

export type LlmUsageRecord = Omit<LlmUsageLogEntity, 'id' | 'createdAt' | keyof BaseEntity> & {
  createdAt?: Date;
};

/** Which usage logs a report or a total covers; every field narrows, none = all. */
export interface UsageLogFilter {
  /** Inclusive. */
  from?: Date;
  /** Exclusive unless `toInclusive` (the back-office's date filter is inclusive). */
  to?: Date;
  toInclusive?: boolean;
  userId?: string;
  keyId?: string;
  provider?: string;
  /** Substring of the model name (the back-office list's own LIKE semantics). */
  modelContains?: string;
  status?: string;
  isMock?: boolean;
}

/** One aggregate over a set of usage logs (the API report, the back-office totals). */
export interface UsageAggregate {
  group: string;
  calls: number;
  errors: number;
  rateLimited: number;
  /** Calls that did not succeed (errors, rate limits, timeouts…). */
  failed: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Mock calls excluded. */
  costMicroUsd: number;
  averageLatencyMs: number | null;
}

const GROUP_SQL: Record<UsageGroup | 'none', string> = {
  day: `to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
  provider: 'provider',
  model: 'model',
  key: `coalesce(key_id::text, 'none')`,
  none: `'total'`,
};

/** Rows referencing these tables may outlive their target between a call and its log. */
const LINKS = [
  ['keyId', 'llm_api_keys'],
  ['userId', 'users'],
  ['conversationId', 'llm_conversations'],
] as const;

function whereOf(f: UsageLogFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.from) add('created_at >= ?', f.from);
  if (f.to) add(f.toInclusive ? 'created_at <= ?' : 'created_at < ?', f.to);
  // A malformed id matches nothing (the back-office filter is free text).
  for (const [value, column] of [
    [f.userId, 'user_id'],
    [f.keyId, 'key_id'],
  ] as const) {
    if (value === undefined) continue;
    if (isUuid(value)) add(`${column} = ?::uuid`, value);
    else where.push('false');
  }
  if (f.provider) add('provider = ?', f.provider);
  if (f.modelContains) add('model LIKE ?', `%${f.modelContains}%`);
  if (f.status) add('status = ?', f.status);
  if (f.isMock !== undefined) add('is_mock = ?', f.isMock);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * The only place that reads or writes llm_usage_logs: the batched inserts, the spend a budget
 * checks, and the aggregate every report shares (API usage report, back-office totals,
 * dashboard cost series).
 */
@Injectable()
export class LlmUsageRepository {
  constructor(
    @InjectRepository(LlmUsageLogEntity) private readonly logs: Repository<LlmUsageLogEntity>,
    private readonly keys: LlmKeysRepository,
  ) {}

  /** Calls, tokens, cost and latency of the filtered logs, per group (one row for 'none'). */
  async aggregate(
    filter: UsageLogFilter,
    groupBy: UsageGroup | 'none' = 'none',
  ): Promise<UsageAggregate[]> {
    const { sql, params } = whereOf(filter);
    const rows = await this.logs.query<Record<string, string | null>[]>(
      `SELECT ${GROUP_SQL[groupBy]} AS "group",
              count(*) AS calls,
              count(*) FILTER (WHERE status = 'error') AS errors,
              count(*) FILTER (WHERE status = 'rate_limited') AS rate_limited,
              count(*) FILTER (WHERE status <> 'success') AS failed,
              coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
              coalesce(sum(completion_tokens), 0) AS completion_tokens,
              coalesce(sum(total_tokens), 0) AS total_tokens,
              coalesce(sum(cost_micro_usd) FILTER (WHERE NOT is_mock), 0) AS cost_micro_usd,
              round(avg(latency_ms)) AS average_latency_ms
         FROM llm_usage_logs ${sql}
        ${groupBy === 'none' ? '' : 'GROUP BY 1 ORDER BY 1'}`,
      params,
    );
    return rows.map((r) => ({
      group: String(r.group),
      calls: Number(r.calls),
      errors: Number(r.errors),
      rateLimited: Number(r.rate_limited),
      failed: Number(r.failed),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      totalTokens: Number(r.total_tokens),
      costMicroUsd: Number(r.cost_micro_usd),
      averageLatencyMs: r.average_latency_ms === null ? null : Number(r.average_latency_ms),
    }));
  }

  /** US dollars per provider and UTC day since `since` (mock calls excluded). */
  dailyCostByProvider(since: Date): Promise<{ label: string; day: string; n: string }[]> {
    return this.logs.query(
      `SELECT provider AS label, ${GROUP_SQL.day} AS day, sum(cost_micro_usd) / 1e6 AS n
         FROM llm_usage_logs WHERE created_at >= $1 AND NOT is_mock
        GROUP BY 1, 2`,
      [since],
    );
  }

  /** What a key has cost (micro-dollars, mock calls excluded) since `since`: on (key_id, created_at). */
  async spentSince(keyId: string, since: Date): Promise<number> {
    const [row] = await this.logs.query<{ spent: string }[]>(
      `SELECT coalesce(sum(cost_micro_usd), 0) AS spent FROM llm_usage_logs
        WHERE key_id = $1 AND created_at >= $2 AND NOT is_mock`,
      [keyId, since],
    );
    return Number(row.spent);
  }

  /** Inserts a batch and bumps each key's usage counters, in one transaction. */
  insertBatch(batch: LlmUsageRecord[]): Promise<void> {
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
      for (const [id, k] of perKey) await this.keys.addUsage(m, id, k.count, k.last);
    });
  }

  /**
   * A key, user or conversation deleted since the call: the log stays, the link goes. Returns
   * whether any link of the batch was cleared.
   */
  async unlinkDeleted(batch: LlmUsageRecord[]): Promise<boolean> {
    let changed = false;
    for (const [field, table] of LINKS) {
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
}
