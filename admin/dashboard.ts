import type { DataSource } from 'typeorm';
import type { GptAnalysesService } from '../src/gpt-analyses/gpt-analyses.service';

const DAYS = 30;
const DAY_SQL = `to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;

export interface Series {
  label: string;
  values: number[];
}

export interface DashboardData {
  days: string[];
  /** Per GPT key: requests it made each day (gpt_key_usage_daily, written in batches). */
  gptCallsByKey: Series[];
  analysesPerDay: number[];
  /** US dollars per provider and day (mock calls excluded). */
  llmCostByProvider: Series[];
  chat: {
    open: number;
    unassigned: number;
    waiting: { id: string; title: string | null; lastMessageAt: string | null }[];
  };
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

/** Aggregates for the back-office landing page: four small queries over indexed columns. */
export async function dashboardData(
  ds: DataSource,
  analyses: Pick<GptAnalysesService, 'perDay'>,
): Promise<DashboardData> {
  const days = lastDays();
  const since = `${days[0]}T00:00:00Z`;
  const byKey = await ds.query<{ label: string; day: string; n: string }[]>(
    `SELECT k.name || ' (' || k.display_prefix || '…)' AS label,
            to_char(d.day, 'YYYY-MM-DD') AS day, d.request_count AS n
       FROM gpt_key_usage_daily d JOIN gpt_api_keys k ON k.id = d.key_id
      WHERE d.day >= $1::date`,
    [days[0]],
  );
  const cost = await ds.query<{ label: string; day: string; n: string }[]>(
    `SELECT provider AS label, ${DAY_SQL} AS day, sum(cost_micro_usd) / 1e6 AS n
       FROM llm_usage_logs WHERE created_at >= $1 AND NOT is_mock
      GROUP BY 1, 2`,
    [since],
  );
  return {
    days,
    gptCallsByKey: toSeries(days, byKey),
    // The staff stats' own per-day query (UTC days, zero days included): the same 30 days.
    analysesPerDay: (await analyses.perDay(DAYS)).map((d) => d.analyses),
    llmCostByProvider: toSeries(days, cost),
    chat: await openChats(ds),
  };
}

async function openChats(ds: DataSource): Promise<DashboardData['chat']> {
  const [counts] = await ds.query<{ open: string; unassigned: string }[]>(
    `SELECT count(*) AS open, count(*) FILTER (WHERE assigned_staff_id IS NULL) AS unassigned
       FROM chat_sessions WHERE status = 'open'`,
  );
  const waiting = await ds.query<
    { id: string; title: string | null; last_message_at: Date | null }[]
  >(
    `SELECT id, title, last_message_at FROM chat_sessions WHERE status = 'open'
      ORDER BY last_message_at ASC NULLS FIRST LIMIT 8`,
  );
  return {
    open: Number(counts.open),
    unassigned: Number(counts.unassigned),
    waiting: waiting.map((w) => ({
      id: w.id,
      title: w.title,
      lastMessageAt: w.last_message_at ? new Date(w.last_message_at).toISOString() : null,
    })),
  };
}
