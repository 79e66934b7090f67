import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { LlmUsageLogEntity } from '../entities/llm-usage-log.entity';
import { UsageBucketDto, UsageGroup, UsageQueryDto, UsageReportDto } from './llm-usage.dto';

const GROUP_SQL: Record<UsageGroup, string> = {
  day: `to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
  provider: 'provider',
  model: 'model',
  key: `coalesce(key_id::text, 'none')`,
};

const MAX_RANGE_DAYS = 366;

/** Token and cost aggregates over llm_usage_logs: a user's own calls, or everyone's for admins. */
@Injectable()
export class LlmUsageService {
  constructor(
    @InjectRepository(LlmUsageLogEntity) private readonly logs: Repository<LlmUsageLogEntity>,
  ) {}

  async report(user: AuthenticatedUser, q: UsageQueryDto): Promise<UsageReportDto> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
    if (from >= to) throw new DomainException('VALIDATION_FAILED', '`from` must be before `to`');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `The range is limited to ${MAX_RANGE_DAYS} days`,
      );
    }
    const groupBy = q.groupBy ?? 'day';
    const userId = user.role === 'admin' ? (q.userId ?? null) : user.id;
    const rows = await this.logs.query<Record<string, string | null>[]>(
      `SELECT ${GROUP_SQL[groupBy]} AS "group",
              count(*) AS calls,
              count(*) FILTER (WHERE status = 'error') AS errors,
              count(*) FILTER (WHERE status = 'rate_limited') AS rate_limited,
              coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
              coalesce(sum(completion_tokens), 0) AS completion_tokens,
              coalesce(sum(total_tokens), 0) AS total_tokens,
              coalesce(sum(cost_micro_usd) FILTER (WHERE NOT is_mock), 0) AS cost_micro_usd,
              round(avg(latency_ms)) AS average_latency_ms
         FROM llm_usage_logs
        WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR user_id = $3::uuid)
        GROUP BY 1 ORDER BY 1`,
      [from, to, userId],
    );
    const buckets = rows.map(toBucket);
    return { from, to, groupBy, buckets, total: sum(buckets) };
  }
}

function toBucket(r: Record<string, string | null>): UsageBucketDto {
  return {
    group: String(r.group),
    calls: Number(r.calls),
    errors: Number(r.errors),
    rateLimited: Number(r.rate_limited),
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    totalTokens: Number(r.total_tokens),
    costUsd: Number(r.cost_micro_usd) / 1e6,
    averageLatencyMs: r.average_latency_ms === null ? null : Number(r.average_latency_ms),
  };
}

function sum(buckets: UsageBucketDto[]): UsageBucketDto {
  const calls = buckets.reduce((s, b) => s + b.calls, 0);
  const latencyWeight = buckets.reduce((s, b) => s + (b.averageLatencyMs ?? 0) * b.calls, 0);
  return {
    group: 'total',
    calls,
    errors: buckets.reduce((s, b) => s + b.errors, 0),
    rateLimited: buckets.reduce((s, b) => s + b.rateLimited, 0),
    promptTokens: buckets.reduce((s, b) => s + b.promptTokens, 0),
    completionTokens: buckets.reduce((s, b) => s + b.completionTokens, 0),
    totalTokens: buckets.reduce((s, b) => s + b.totalTokens, 0),
    costUsd: Math.round(buckets.reduce((s, b) => s + b.costUsd * 1e6, 0)) / 1e6,
    averageLatencyMs: calls ? Math.round(latencyWeight / calls) : null,
  };
}
