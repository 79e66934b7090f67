import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { BaseEntity, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUuid } from '../../common/text';
import { LlmUsageLogEntity } from '../entities/llm-usage-log.entity';
import { LlmKeysRepository } from '../llm-keys.repository';
import type { UsageGroup } from './llm-usage.dto';

/** A log to write; `costMicroUsd: null` = the price is unknown (an unpriced call). */
export type LlmUsageRecord = Omit<
  LlmUsageLogEntity,
  'id' | 'createdAt' | 'requestId' | 'attempt' | keyof BaseEntity
> & {
  createdAt?: Date;
  /** The LLM gateway's call id and attempt number (absent: a single attempt, no call id). */
  requestId?: string | null;
  attempt?: number;
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
  /** Of the priced calls only (unpriced ones are counted below); mock calls excluded. */
  costMicroUsd: number;
  /** Non-mock calls whose price was unknown (NULL cost): their cost is not in the figure. */
  unpricedCalls: number;
  averageLatencyMs: number | null;
}

/** Which logs `llm:reprice` recomputes: never mock calls. */
export interface RepriceFilter {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Only the logs whose cost is NULL. */
  onlyUnpriced: boolean;
}

/** A log as a reprice reads it. */
export interface RepriceRow {
  id: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costMicroUsd: number | null;
  createdAt: Date;
}

/** Where the next reprice batch starts: after this (created_at, id), exactly (microseconds). */
export interface RepriceCursor {
  createdAt: string;
  id: string;
}

export interface RepriceBatch {
  rows: RepriceRow[];
  /** The rows whose cost changed (or would, in a dry run), with the new cost. */
  changed: { row: RepriceRow; costMicroUsd: number }[];
  /** Null when this batch was the last. */
  next: RepriceCursor | null;
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
              count(*) FILTER (WHERE cost_micro_usd IS NULL AND NOT is_mock) AS unpriced_calls,
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
      unpricedCalls: Number(r.unpriced_calls),
      averageLatencyMs: r.average_latency_ms === null ? null : Number(r.average_latency_ms),
    }));
  }

  /** US dollars per provider and UTC day since `since` (priced calls; mock calls excluded). */
  dailyCostByProvider(since: Date): Promise<{ label: string; day: string; n: string }[]> {
    return this.logs.query(
      `SELECT provider AS label, ${GROUP_SQL.day} AS day,
              coalesce(sum(cost_micro_usd), 0) / 1e6 AS n
         FROM llm_usage_logs WHERE created_at >= $1 AND NOT is_mock
        GROUP BY 1, 2`,
      [since],
    );
  }

  /**
   * What a key has cost (micro-dollars, mock calls excluded) since `since`: on (key_id,
   * created_at). Unpriced calls (NULL) add nothing: the gateway refuses unpriced models on a key
   * with a budget.
   */
  async spentSince(keyId: string, since: Date): Promise<number> {
    const [row] = await this.logs.query<{ spent: string }[]>(
      `SELECT coalesce(sum(cost_micro_usd), 0) AS spent FROM llm_usage_logs
        WHERE key_id = $1 AND created_at >= $2 AND NOT is_mock`,
      [keyId, since],
    );
    return Number(row.spent);
  }

  /**
   * One batch of `llm:reprice`, in one transaction: the next `limit` non-mock logs of the
   * filter after `after`, in (created_at, id) order on the created_at index, locked; `price`
   * gives each its new cost (null: unknown, the row is left as it is); the rows whose cost
   * changes are written in one UPDATE, unless `dryRun`.
   */
  repriceBatch(
    filter: RepriceFilter,
    after: RepriceCursor | null,
    limit: number,
    price: (row: RepriceRow) => number | null,
    dryRun: boolean,
  ): Promise<RepriceBatch> {
    return this.logs.manager.transaction(async (m) => {
      const where = ['NOT is_mock'];
      const params: unknown[] = [];
      const add = (sql: string, ...values: unknown[]) => {
        where.push(sql.replace(/\?/g, () => `$${params.push(values.shift())}`));
      };
      if (filter.from) add('created_at >= ?', filter.from);
      if (filter.to) add('created_at < ?', filter.to);
      if (filter.onlyUnpriced) where.push('cost_micro_usd IS NULL');
      if (after) add('(created_at, id) > (?::timestamptz, ?::uuid)', after.createdAt, after.id);
      params.push(limit);
      const found = await m.query<Record<string, string | number | Date | null>[]>(
        `SELECT id, provider, model, prompt_tokens, completion_tokens, cost_micro_usd, created_at,
                created_at::text AS cursor_at
           FROM llm_usage_logs WHERE ${where.join(' AND ')}
          ORDER BY created_at, id LIMIT $${params.length}
          ${dryRun ? '' : 'FOR UPDATE'}`,
        params,
      );
      const rows: RepriceRow[] = found.map((r) => ({
        id: String(r.id),
        provider: String(r.provider),
        model: String(r.model),
        promptTokens: Number(r.prompt_tokens),
        completionTokens: Number(r.completion_tokens),
        costMicroUsd: r.cost_micro_usd === null ? null : Number(r.cost_micro_usd),
        createdAt: new Date(r.created_at as Date),
      }));
      const changed: RepriceBatch['changed'] = [];
      for (const row of rows) {
        const cost = price(row);
        if (cost !== null && cost !== row.costMicroUsd) changed.push({ row, costMicroUsd: cost });
      }
      if (changed.length && !dryRun) {
        await m.query(
          `UPDATE llm_usage_logs AS l SET cost_micro_usd = c.cost
             FROM unnest($1::uuid[], $2::bigint[]) AS c (id, cost)
            WHERE l.id = c.id`,
          [changed.map((c) => c.row.id), changed.map((c) => c.costMicroUsd)],
        );
      }
      const last = found.at(-1);
      return {
        rows,
        changed,
        next:
          last && found.length === limit
            ? { createdAt: String(last.cursor_at), id: String(last.id) }
            : null,
      };
    });
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
