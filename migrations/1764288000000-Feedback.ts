import { MigrationInterface, QueryRunner } from 'typeorm';

/** Feedback from the public site (bugs, suggestions, comments), triaged by staff. */
export class Feedback1764288000000 implements MigrationInterface {
  name = 'Feedback1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type varchar(16) NOT NULL CHECK (type IN ('bug', 'suggestion', 'comment')),
        message text NOT NULL,
        email varchar(254),
        page varchar(500),
        rating smallint CHECK (rating BETWEEN 1 AND 5),
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        status varchar(16) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'done')),
        webhook_status varchar(16) NOT NULL DEFAULT 'none'
          CHECK (webhook_status IN ('none', 'pending', 'delivered', 'failed')),
        webhook_attempts smallint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX feedback_status_created_idx ON feedback (status, created_at DESC)`);
    await q.query(
      `CREATE INDEX feedback_webhook_pending_idx ON feedback (created_at) WHERE webhook_status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE feedback`);
  }
}
