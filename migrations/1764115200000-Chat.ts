import { MigrationInterface, QueryRunner } from 'typeorm';

export const DEFAULT_CHAT_WELCOME =
  'Hello! How can we help you today? Ask your question here; type "human" at any time to talk to a member of our team.';
export const DEFAULT_CHAT_SYSTEM_PROMPT =
  'You are the support assistant of Passerelle. Answer briefly and politely, in the language of the user. ' +
  'If you cannot help, suggest that the user asks for a human.';
export const DEFAULT_HANDOFF_KEYWORDS = [
  'human',
  'agent',
  'operator',
  'real person',
  'talk to someone',
  'humain',
  'conseiller',
  'une personne',
  'parler à quelqu',
];

/** Support chat: sessions, messages (sequenced per session), per-day usage, settings. */
export class Chat1764115200000 implements MigrationInterface {
  name = 'Chat1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chat_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        visitor_token_hash char(64),
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'open', 'resolved')),
        assistant_enabled boolean NOT NULL DEFAULT true,
        assigned_staff_id uuid REFERENCES users (id) ON DELETE SET NULL,
        title varchar(200),
        last_sequence integer NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
        last_message_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (user_id IS NOT NULL OR visitor_token_hash IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX chat_sessions_visitor_token_hash_key ON chat_sessions (visitor_token_hash)`,
    );
    await q.query(`CREATE INDEX chat_sessions_user_id_idx ON chat_sessions (user_id)`);
    await q.query(
      `CREATE INDEX chat_sessions_status_idx ON chat_sessions (status, last_message_at DESC NULLS LAST)`,
    );
    await q.query(
      `CREATE INDEX chat_sessions_assigned_staff_idx ON chat_sessions (assigned_staff_id)`,
    );

    await q.query(`
      CREATE TABLE chat_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
        sequence integer NOT NULL CHECK (sequence > 0),
        role varchar(16) NOT NULL CHECK (role IN ('user', 'assistant', 'staff', 'system')),
        sender_name varchar(120),
        content text NOT NULL,
        tokens_used integer CHECK (tokens_used IS NULL OR tokens_used >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The cursor index of history polling and SSE; unique, so a sequence can never repeat.
    await q.query(
      `CREATE UNIQUE INDEX chat_messages_session_sequence_key ON chat_messages (session_id, sequence)`,
    );

    await q.query(`
      CREATE TABLE user_usage_stats (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        day date NOT NULL,
        messages_sent integer NOT NULL DEFAULT 0 CHECK (messages_sent >= 0),
        assistant_replies integer NOT NULL DEFAULT 0 CHECK (assistant_replies >= 0),
        tokens_used bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
        PRIMARY KEY (user_id, day)
      )`);

    await q.query(`
      CREATE TABLE chat_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        auto_reply_enabled boolean NOT NULL DEFAULT true,
        provider varchar(16) NOT NULL DEFAULT 'mistral'
          CHECK (provider IN ('mistral', 'openai', 'anthropic', 'groq', 'mock')),
        model varchar(100),
        llm_key_id uuid REFERENCES llm_api_keys (id) ON DELETE SET NULL,
        system_prompt text NOT NULL,
        welcome_message text NOT NULL,
        handoff_keywords text[] NOT NULL DEFAULT '{}',
        updated_by_id uuid REFERENCES users (id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `INSERT INTO chat_settings (id, system_prompt, welcome_message, handoff_keywords)
       VALUES (1, $1, $2, $3)`,
      [DEFAULT_CHAT_SYSTEM_PROMPT, DEFAULT_CHAT_WELCOME, DEFAULT_HANDOFF_KEYWORDS],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE chat_settings`);
    await q.query(`DROP TABLE user_usage_stats`);
    await q.query(`DROP TABLE chat_messages`);
    await q.query(`DROP TABLE chat_sessions`);
  }
}
