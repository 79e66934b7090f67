import { MigrationInterface, QueryRunner } from 'typeorm';

/** Usage log of every LLM call, conversation threads of the chat proxy, prompt templates. */
export class LlmUsageConversationsTemplates1764028800000 implements MigrationInterface {
  name = 'LlmUsageConversationsTemplates1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE llm_conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        provider varchar(16) NOT NULL,
        model varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX llm_conversations_user_id_idx ON llm_conversations (user_id)`);
    await q.query(`
      CREATE TABLE llm_conversation_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES llm_conversations (id) ON DELETE CASCADE,
        role varchar(16) NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX llm_conversation_messages_conversation_idx ON llm_conversation_messages (conversation_id, created_at)`,
    );

    await q.query(`
      CREATE TABLE llm_usage_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        key_id uuid REFERENCES llm_api_keys (id) ON DELETE SET NULL,
        provider varchar(16) NOT NULL,
        model varchar(100) NOT NULL,
        prompt_tokens integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
        completion_tokens integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
        total_tokens integer NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
        cost_micro_usd bigint NOT NULL DEFAULT 0 CHECK (cost_micro_usd >= 0),
        latency_ms integer NOT NULL CHECK (latency_ms >= 0),
        ttft_ms integer CHECK (ttft_ms IS NULL OR ttft_ms >= 0),
        status varchar(16) NOT NULL CHECK (status IN ('success', 'error', 'rate_limited')),
        error_code varchar(40),
        conversation_id uuid REFERENCES llm_conversations (id) ON DELETE SET NULL,
        streamed boolean NOT NULL DEFAULT false,
        is_mock boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX llm_usage_logs_created_at_idx ON llm_usage_logs (created_at)`);
    await q.query(`CREATE INDEX llm_usage_logs_user_idx ON llm_usage_logs (user_id, created_at)`);
    await q.query(`CREATE INDEX llm_usage_logs_key_idx ON llm_usage_logs (key_id, created_at)`);

    await q.query(`
      CREATE TABLE llm_prompt_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        description varchar(500),
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX llm_prompt_templates_name_key ON llm_prompt_templates (user_id, lower(name))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE llm_prompt_templates`);
    await q.query(`DROP TABLE llm_usage_logs`);
    await q.query(`DROP TABLE llm_conversation_messages`);
    await q.query(`DROP TABLE llm_conversations`);
  }
}
