import type { ChatStaffService, WeeklyRating } from '../src/chat/chat-staff.service';
import type { GptAnalysesService } from '../src/gpt-analyses/gpt-analyses.service';
import type { GptKeysService } from '../src/gpt-keys/gpt-keys.service';
import type { LlmUsageService } from '../src/llm-providers/usage/llm-usage.service';

const DAYS = 30;

export interface Series {
  label: string;
  values: number[];
}

export interface DashboardData {
  days: string[];
  /** Per GPT key: requests it made each day (gpt_key_usage_daily, written in batches). */
  gptCallsByKey: Series[];
  analysesPerDay: number[];
  /** Doubtful analyses waiting for a person (their review conversation is open). */
  analysesAwaitingReview: { count: number; oldest: string | null };
  /** US dollars per provider and day (priced calls; mock calls excluded). */
  llmCostByProvider: Series[];
  /** LLM calls of the 30 days whose price is unknown: not in the cost series. */
  llmUnpricedCalls: number;
  chat: {
    open: number;
    unassigned: number;
    waiting: { id: string; title: string | null; lastMessageAt: string | null }[];
  };
  /** Visitors' satisfaction (1–5) with resolved conversations: the last 8 ISO weeks. */
  chatRatings: WeeklyRating[];
}

/** The last 30 days (UTC), oldest first. */
function lastDays(now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: DAYS }, (_, i) =>
    new Date(today - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

function toSeries(
  days: string[],
  rows: { label: string; day: string; n: string | number }[],
): Series[] {
  const index = new Map(days.map((d, i) => [d, i]));
  const series = new Map<string, number[]>();
  for (const r of rows) {
    const values = series.get(r.label) ?? new Array<number>(days.length).fill(0);
    const i = index.get(r.day);
    if (i !== undefined) values[i] += Number(r.n);
    series.set(r.label, values);
  }
  return [...series].map(([label, values]) => ({ label, values }));
}

/** What the dashboard reads: each module's own report methods, no query of its own. */
export interface DashboardSources {
  gptKeys: Pick<GptKeysService, 'dailyUsageByKey'>;
  analyses: Pick<GptAnalysesService, 'perDay' | 'awaitingReview'>;
  llmUsage: Pick<LlmUsageService, 'dailyCostByProvider' | 'totals'>;
  chat: Pick<ChatStaffService, 'openChatsSummary' | 'ratingsByWeek'>;
}

/** Aggregates for the back-office landing page: small queries over indexed columns. */
export async function dashboardData(sources: DashboardSources): Promise<DashboardData> {
  const days = lastDays();
  const since = new Date(`${days[0]}T00:00:00Z`);
  const [byKey, analyses, cost, llmTotals, chat, chatRatings, awaiting] = await Promise.all([
    sources.gptKeys.dailyUsageByKey(days[0]),
    // The staff stats' own per-day query (UTC days, zero days included): the same 30 days.
    sources.analyses.perDay(DAYS),
    sources.llmUsage.dailyCostByProvider(since),
    // The usage report's own aggregate (GET /api/llm/usage, the usage list's totals).
    sources.llmUsage.totals({ from: since }),
    sources.chat.openChatsSummary(8),
    sources.chat.ratingsByWeek(),
    sources.analyses.awaitingReview(),
  ]);
  return {
    days,
    gptCallsByKey: toSeries(days, byKey),
    analysesPerDay: analyses.map((d) => d.analyses),
    analysesAwaitingReview: {
      count: awaiting.count,
      oldest: awaiting.oldest ? new Date(awaiting.oldest).toISOString() : null,
    },
    llmCostByProvider: toSeries(days, cost),
    llmUnpricedCalls: llmTotals.unpricedCalls,
    chat,
    chatRatings,
  };
}
