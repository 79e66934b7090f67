import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The LLM gateway: every attempt of a call (the first target, then each fallback) is one
 * usage log carrying the call's request id and its attempt number; the support chat's
 * settings get an ordered list of fallbacks.
 */
export class LlmGatewayAttempts1764979200000 implements MigrationInterface {
  name = 'LlmGatewayAttempts1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE llm_usage_logs ADD COLUMN request_id uuid`);
    await q.query(`ALTER TABLE llm_usage_logs ADD COLUMN attempt smallint NOT NULL DEFAULT 1`);
    await q.query(
      `ALTER TABLE llm_usage_logs ADD CONSTRAINT llm_usage_logs_attempt_check CHECK (attempt BETWEEN 1 AND 10)`,
    );
    await q.query(
      `CREATE INDEX llm_usage_logs_request_id_idx ON llm_usage_logs (request_id) WHERE request_id IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE chat_settings ADD COLUMN fallbacks jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE chat_settings DROP COLUMN fallbacks`);
    await q.query(`DROP INDEX llm_usage_logs_request_id_idx`);
    await q.query(`ALTER TABLE llm_usage_logs DROP COLUMN attempt`);
    await q.query(`ALTER TABLE llm_usage_logs DROP COLUMN request_id`);
  }
}
