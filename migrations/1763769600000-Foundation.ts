import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, login sessions and GPT API keys. Written for PostgreSQL 15 (also runs on PGlite). */
export class Foundation1763769600000 implements MigrationInterface {
  name = 'Foundation1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL,
        name varchar(120) NOT NULL,
        password_hash varchar(255) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('admin', 'staff', 'user')),
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);

    await q.query(`
      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX user_sessions_token_hash_key ON user_sessions (token_hash)`);
    await q.query(`CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id)`);
    await q.query(`CREATE INDEX user_sessions_expires_at_idx ON user_sessions (expires_at)`);

    await q.query(`
      CREATE TABLE gpt_api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        key_hash char(64) NOT NULL,
        display_prefix varchar(40) NOT NULL,
        rate_limit_per_hour integer NOT NULL CHECK (rate_limit_per_hour > 0),
        expires_at timestamptz,
        is_active boolean NOT NULL DEFAULT true,
        usage_count bigint NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
        last_used_at timestamptz,
        created_by_id uuid REFERENCES users (id) ON DELETE SET NULL,
        replaced_by_id uuid REFERENCES gpt_api_keys (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX gpt_api_keys_key_hash_key ON gpt_api_keys (key_hash)`);
    await q.query(`CREATE INDEX gpt_api_keys_display_prefix_idx ON gpt_api_keys (display_prefix)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gpt_api_keys`);
    await q.query(`DROP TABLE user_sessions`);
    await q.query(`DROP TABLE users`);
  }
}
