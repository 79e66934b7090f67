import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OAuth 2.1 authorization server's state (oidc-provider models: clients registered
 * dynamically, grants, authorization codes, access and refresh tokens, sessions, interactions),
 * one row per model instance, so every instance of the app shares it; and analyses posted by a
 * signed-in person through an assistant (no GPT key) keep who and through which client.
 */
export class OAuth1764547200000 implements MigrationInterface {
  name = 'OAuth1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oauth_models (
        model varchar(40) NOT NULL,
        id varchar(255) NOT NULL,
        payload jsonb NOT NULL,
        grant_id varchar(255),
        uid varchar(255),
        user_code varchar(255),
        account_id varchar(255),
        client_id varchar(255),
        expires_at timestamptz,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model, id)
      )`);
    await q.query(
      `CREATE INDEX oauth_models_grant_idx ON oauth_models (grant_id) WHERE grant_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX oauth_models_uid_idx ON oauth_models (uid) WHERE uid IS NOT NULL`);
    await q.query(
      `CREATE INDEX oauth_models_user_code_idx ON oauth_models (user_code) WHERE user_code IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oauth_models_account_idx ON oauth_models (model, account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oauth_models_expires_idx ON oauth_models (expires_at) WHERE expires_at IS NOT NULL`,
    );

    await q.query(
      `ALTER TABLE gpt_analyses ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE SET NULL`,
    );
    await q.query(`ALTER TABLE gpt_analyses ADD COLUMN oauth_client_id varchar(255)`);
    await q.query(
      `CREATE INDEX gpt_analyses_user_id_idx ON gpt_analyses (user_id) WHERE user_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE gpt_idempotency_records ALTER COLUMN api_key_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE gpt_idempotency_records ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE gpt_idempotency_records ADD CONSTRAINT gpt_idempotency_records_owner_check CHECK (num_nonnulls(api_key_id, user_id) = 1)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX gpt_idempotency_records_user_key_idx ON gpt_idempotency_records (user_id, idempotency_key) WHERE user_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM gpt_idempotency_records WHERE user_id IS NOT NULL`);
    await q.query(`DROP INDEX gpt_idempotency_records_user_key_idx`);
    await q.query(
      `ALTER TABLE gpt_idempotency_records DROP CONSTRAINT gpt_idempotency_records_owner_check`,
    );
    await q.query(`ALTER TABLE gpt_idempotency_records DROP COLUMN user_id`);
    await q.query(`ALTER TABLE gpt_idempotency_records ALTER COLUMN api_key_id SET NOT NULL`);
    await q.query(`ALTER TABLE gpt_analyses DROP COLUMN oauth_client_id`);
    await q.query(`ALTER TABLE gpt_analyses DROP COLUMN user_id`);
    await q.query(`DROP TABLE oauth_models`);
  }
}
