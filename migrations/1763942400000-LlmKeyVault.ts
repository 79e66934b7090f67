import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users' own LLM provider keys, encrypted at rest (AES-256-GCM, see SecretBox). */
export class LlmKeyVault1763942400000 implements MigrationInterface {
  name = 'LlmKeyVault1763942400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE llm_api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        provider varchar(16) NOT NULL CHECK (provider IN ('mistral', 'openai', 'anthropic', 'groq')),
        name varchar(100) NOT NULL,
        encrypted_key text NOT NULL,
        key_prefix varchar(24) NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        is_default boolean NOT NULL DEFAULT false,
        usage_count bigint NOT NULL DEFAULT 0,
        last_used_at timestamptz,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        monthly_budget_micro_usd bigint CHECK (monthly_budget_micro_usd IS NULL OR monthly_budget_micro_usd >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX llm_api_keys_user_id_idx ON llm_api_keys (user_id, provider)`);
    // One default key per user and provider.
    await q.query(
      `CREATE UNIQUE INDEX llm_api_keys_default_key ON llm_api_keys (user_id, provider) WHERE is_default`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE llm_api_keys`);
  }
}
