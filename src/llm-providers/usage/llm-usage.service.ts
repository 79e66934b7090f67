import { Injectable } from '@nestjs/common';
import { LLM_RULES } from '../llm-providers.rules';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { UsageBucketDto, UsageQueryDto, UsageReportDto } from './llm-usage.dto';
import {
  LlmUsageRepository,
  type UsageAggregate,
  type UsageLogFilter,
} from './llm-usage.repository';

const { maxRangeDays: MAX_RANGE_DAYS, defaultRangeDays } = LLM_RULES.usage;

/** Token and cost aggregates over llm_usage_logs: a user's own calls, or everyone's for admins. */
@Injectable()
export class LlmUsageService {
  constructor(private readonly logs: LlmUsageRepository) {}

  async report(user: AuthenticatedUser, q: UsageQueryDto): Promise<UsageReportDto> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - defaultRangeDays * 86_400_000);
    if (from >= to) throw new DomainException('VALIDATION_FAILED', '`from` must be before `to`');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `The range is limited to ${MAX_RANGE_DAYS} days`,
      );
    }
    const groupBy = q.groupBy ?? 'day';
    const userId = user.role === 'admin' ? (q.userId ?? null) : user.id;
    const rows = await this.logs.aggregate({ from, to, userId: userId ?? undefined }, groupBy);
    const buckets = rows.map(toBucket);
    return { from, to, groupBy, buckets, total: sum(buckets) };
  }

  /** Totals of a filtered set of logs (the back-office list's notice). */
  async totals(filter: UsageLogFilter): Promise<UsageAggregate> {
    const [total] = await this.logs.aggregate(filter);
    return total;
  }

  /** US dollars per provider and UTC day since `since` (the dashboard's cost series). */
  dailyCostByProvider(since: Date): Promise<{ label: string; day: string; n: string }[]> {
    return this.logs.dailyCostByProvider(since);
  }
}

function toBucket({ failed: _failed, costMicroUsd, ...counts }: UsageAggregate): UsageBucketDto {
  return { ...counts, costUsd: costMicroUsd / 1e6 };
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
