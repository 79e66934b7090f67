import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every assistant tool call (MCP `tools/call`): who (GPT key, or user and OAuth client), which
 * tool, how long, and how it ended. Written in batches; read by the back-office with filters.
 */
export class AssistantToolCalls1764460800000 implements MigrationInterface {
  name = 'AssistantToolCalls1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assistant_tool_calls (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        called_at timestamptz NOT NULL,
        tool varchar(64) NOT NULL,
        gpt_key_id uuid REFERENCES gpt_api_keys (id) ON DELETE SET NULL,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        client_id varchar(255),
        outcome varchar(10) NOT NULL CHECK (outcome IN ('success', 'error')),
        error_code varchar(40),
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        request_id varchar(64)
      )`);
    await q.query(
      `CREATE INDEX assistant_tool_calls_called_at_idx ON assistant_tool_calls (called_at DESC)`,
    );
    await q.query(
      `CREATE INDEX assistant_tool_calls_key_idx ON assistant_tool_calls (gpt_key_id, called_at DESC) WHERE gpt_key_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX assistant_tool_calls_user_idx ON assistant_tool_calls (user_id, called_at DESC) WHERE user_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX assistant_tool_calls_tool_idx ON assistant_tool_calls (tool, called_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE assistant_tool_calls`);
  }
}
