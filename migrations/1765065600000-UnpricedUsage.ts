import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An LLM call whose price is unknown is logged with a NULL cost (the "unpriced" flag), never
 * $0. Logs written before, at 0 although they used tokens and were not mock calls, are exactly
 * those the old price table did not know (dated or new model ids): they become NULL, and
 * `npm run llm:reprice -- --only-unpriced` prices them from the dataset. No default: a writer
 * that forgets the cost leaves it unpriced, not free.
 */
export class UnpricedUsage1765065600000 implements MigrationInterface {
  name = 'UnpricedUsage1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE llm_usage_logs ALTER COLUMN cost_micro_usd DROP NOT NULL`);
    await q.query(`ALTER TABLE llm_usage_logs ALTER COLUMN cost_micro_usd DROP DEFAULT`);
    await q.query(
      `UPDATE llm_usage_logs SET cost_micro_usd = NULL
        WHERE cost_micro_usd = 0 AND NOT is_mock AND prompt_tokens + completion_tokens > 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE llm_usage_logs SET cost_micro_usd = 0 WHERE cost_micro_usd IS NULL`);
    await q.query(`ALTER TABLE llm_usage_logs ALTER COLUMN cost_micro_usd SET DEFAULT 0`);
    await q.query(`ALTER TABLE llm_usage_logs ALTER COLUMN cost_micro_usd SET NOT NULL`);
  }
}
