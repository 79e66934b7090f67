import { MigrationInterface, QueryRunner } from 'typeorm';

/** GPT key requests per key and UTC day, for the back-office charts (written in batches). */
export class GptKeyUsageDaily1764374400000 implements MigrationInterface {
  name = 'GptKeyUsageDaily1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gpt_key_usage_daily (
        key_id uuid NOT NULL REFERENCES gpt_api_keys (id) ON DELETE CASCADE,
        day date NOT NULL,
        request_count bigint NOT NULL DEFAULT 0 CHECK (request_count >= 0),
        PRIMARY KEY (key_id, day)
      )`);
    await q.query(`CREATE INDEX gpt_key_usage_daily_day_idx ON gpt_key_usage_daily (day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gpt_key_usage_daily`);
  }
}
