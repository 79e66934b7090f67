import { Inject, Injectable } from '@nestjs/common';
import { LLM_RULES } from '../llm-providers.rules';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { LLM_PRICING, type LlmPricing } from './llm-pricing';
import { RepriceUsageDto, UsageBucketDto, UsageQueryDto, UsageReportDto } from './llm-usage.dto';
import {
  LlmUsageRepository,
  type RepriceCursor,
  type RepriceRow,
  type UsageAggregate,
  type UsageLogFilter,
} from './llm-usage.repository';

const { maxRangeDays: MAX_RANGE_DAYS, defaultRangeDays } = LLM_RULES.usage;

/** Logs read, priced and written per transaction by `llm:reprice`. */
export const REPRICE_BATCH_SIZE = LLM_RULES.usage.repriceBatchSize;

/** What `llm:reprice` did (or, in a dry run, would do). */
export interface RepriceReport {
  /** The range covered: first instant (inclusive), end (exclusive); null = unbounded. */
  from: Date | null;
  to: Date | null;
  onlyUnpriced: boolean;
  dryRun: boolean;
  /** Non-mock logs read. */
  scanned: number;
  /** Logs whose cost changed. */
  changed: number;
  /** Of those, logs that had no cost (unpriced) and now have one. */
  newlyPriced: number;
  /** Sum of the changed logs' costs before (an unpriced log counts 0) and after, micro-dollars. */
  beforeMicroUsd: number;
  afterMicroUsd: number;
  /** Logs still without a known price, left as they are, per provider and model. */
  stillUnpriced: { provider: string; model: string; calls: number }[];
}

/** Token and cost aggregates over llm_usage_logs: a user's own calls, or everyone's for admins. */
@Injectable()
export class LlmUsageService {
  constructor(
    private readonly logs: LlmUsageRepository,
    @Inject(LLM_PRICING) private readonly pricing: LlmPricing,
  ) {}

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

  /**
   * Recomputes the cost of usage logs from the current prices (dataset and LLM_PRICING_JSON),
   * each at the price in force on the log's date, exactly as a live call is costed (same
   * function: tiers, dated ids, overrides), batch by batch, each batch in one transaction.
   * A log whose price is still unknown is left as it is; a log with no tokens costs 0.
   */
  async reprice(
    dto: RepriceUsageDto,
    { batchSize = REPRICE_BATCH_SIZE }: { batchSize?: number } = {},
  ): Promise<RepriceReport> {
    const from = dto.from ? new Date(`${dto.from}T00:00:00Z`) : null;
    // --to names the last day: up to the end of it.
    const to = dto.to ? new Date(Date.parse(`${dto.to}T00:00:00Z`) + 86_400_000) : null;
    if (from && to && from >= to) {
      throw DomainException.invalidField(
        'to',
        'to must not be before from',
        'Validation failed: to',
      );
    }
    const filter = {
      from: from ?? undefined,
      to: to ?? undefined,
      onlyUnpriced: dto.onlyUnpriced === true,
    };
    const dryRun = dto.dryRun === true;
    const report: RepriceReport = {
      from,
      to,
      onlyUnpriced: filter.onlyUnpriced,
      dryRun,
      scanned: 0,
      changed: 0,
      newlyPriced: 0,
      beforeMicroUsd: 0,
      afterMicroUsd: 0,
      stillUnpriced: [],
    };
    const unpriced = new Map<string, { provider: string; model: string; calls: number }>();
    const price = (row: RepriceRow): number | null => {
      if (row.promptTokens + row.completionTokens === 0) return 0; // nothing was billed
      const { microUsd } = this.pricing.cost(
        row.provider,
        row.model,
        row.promptTokens,
        row.completionTokens,
        row.createdAt,
      );
      if (microUsd === null) {
        const k = `${row.provider}\u0000${row.model}`;
        const u = unpriced.get(k) ?? { provider: row.provider, model: row.model, calls: 0 };
        u.calls += 1;
        unpriced.set(k, u);
      }
      return microUsd;
    };
    let after: RepriceCursor | null = null;
    do {
      const batch = await this.logs.repriceBatch(filter, after, batchSize, price, dryRun);
      report.scanned += batch.rows.length;
      for (const { row, costMicroUsd } of batch.changed) {
        report.changed += 1;
        if (row.costMicroUsd === null) report.newlyPriced += 1;
        report.beforeMicroUsd += row.costMicroUsd ?? 0;
        report.afterMicroUsd += costMicroUsd;
      }
      after = batch.next;
    } while (after);
    report.stillUnpriced = [...unpriced.values()].sort((a, b) => b.calls - a.calls);
    return report;
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
    unpricedCalls: buckets.reduce((s, b) => s + b.unpricedCalls, 0),
    averageLatencyMs: calls ? Math.round(latencyWeight / calls) : null,
  };
}
