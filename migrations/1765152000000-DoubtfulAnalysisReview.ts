import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Doubtful analyses reach a person (issue 18). An analysis stored with a confidence below
 * `chat_settings.review_confidence_threshold` (default 60) or grade E opens a support
 * conversation in `open` status, in the transaction that stores it:
 * - `chat_sessions.origin` (`visitor` | `review`): a review conversation may have no visitor (the
 *   analysis came with a GPT key), so the owner check accepts it.
 * - `chat_sessions.devis_id`: the devis whose doubtful analysis opened it (the analyses point to
 *   their conversation: `gpt_analyses.support_session_id`; one direction only, so the tables
 *   keep no reference cycle, which the logical backup relies on). While
 *   one such conversation of a devis is not resolved, a second doubtful analysis of it (or a
 *   concurrent identical post) is added to it as a message instead of opening another (a
 *   per-devis advisory lock orders them; see ChatRepository.openReview).
 * - `gpt_analyses.review_status` (`none` | `pending` | `reviewed`), the conversation it went to,
 *   and the staff review: when, by whom, the verdict and a note.
 */
export class DoubtfulAnalysisReview1765152000000 implements MigrationInterface {
  name = 'DoubtfulAnalysisReview1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE chat_settings
         ADD COLUMN review_confidence_threshold smallint NOT NULL DEFAULT 60
           CHECK (review_confidence_threshold BETWEEN 0 AND 100)`,
    );
    await q.query(
      `ALTER TABLE chat_sessions
         ADD COLUMN origin varchar(16) NOT NULL DEFAULT 'visitor'
           CHECK (origin IN ('visitor', 'review')),
         ADD COLUMN devis_id uuid NULL REFERENCES devis(id) ON DELETE SET NULL`,
    );
    // A review conversation may have no visitor (the analysis came with a GPT key).
    await q.query(`ALTER TABLE chat_sessions DROP CONSTRAINT chat_sessions_check`);
    await q.query(
      `ALTER TABLE chat_sessions ADD CONSTRAINT chat_sessions_owner_check
         CHECK (user_id IS NOT NULL OR visitor_token_hash IS NOT NULL OR origin = 'review')`,
    );
    await q.query(`CREATE INDEX chat_sessions_devis_id ON chat_sessions (devis_id)`);
    await q.query(
      `ALTER TABLE gpt_analyses
         ADD COLUMN review_status varchar(16) NOT NULL DEFAULT 'none'
           CHECK (review_status IN ('none', 'pending', 'reviewed')),
         ADD COLUMN support_session_id uuid NULL REFERENCES chat_sessions(id) ON DELETE SET NULL,
         ADD COLUMN reviewed_at timestamptz NULL,
         ADD COLUMN reviewed_by_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
         ADD COLUMN review_verdict varchar(16) NULL
           CHECK (review_verdict IN ('confirmed', 'corrected', 'rejected')),
         ADD COLUMN review_note text NULL`,
    );
    await q.query(
      `CREATE INDEX gpt_analyses_pending_review ON gpt_analyses (created_at)
         WHERE review_status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX gpt_analyses_support_session_id ON gpt_analyses (support_session_id)`,
    );
    await q.query(`CREATE INDEX gpt_analyses_reviewed_by_id ON gpt_analyses (reviewed_by_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE gpt_analyses
         DROP COLUMN review_note, DROP COLUMN review_verdict, DROP COLUMN reviewed_by_id,
         DROP COLUMN reviewed_at, DROP COLUMN support_session_id, DROP COLUMN review_status`,
    );
    await q.query(`DELETE FROM chat_sessions WHERE origin = 'review' AND user_id IS NULL`);
    await q.query(`ALTER TABLE chat_sessions DROP CONSTRAINT chat_sessions_owner_check`);
    await q.query(
      `ALTER TABLE chat_sessions ADD CONSTRAINT chat_sessions_check
         CHECK (user_id IS NOT NULL OR visitor_token_hash IS NOT NULL)`,
    );
    await q.query(`ALTER TABLE chat_sessions DROP COLUMN devis_id, DROP COLUMN origin`);
    await q.query(`ALTER TABLE chat_settings DROP COLUMN review_confidence_threshold`);
  }
}
