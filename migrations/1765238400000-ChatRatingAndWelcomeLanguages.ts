import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_CHAT_WELCOME } from './1764115200000-Chat';

export const DEFAULT_CHAT_WELCOME_FR =
  'Bonjour ! Comment pouvons-nous vous aider ? Posez votre question ici ; écrivez « humain » à tout moment pour parler à un membre de notre équipe.';
/** The English welcome: the one the Chat migration seeded. */
export const DEFAULT_CHAT_WELCOME_EN = DEFAULT_CHAT_WELCOME;

/**
 * The support loop (issue 18): the support page speaks French (default) or English, and a
 * visitor rates a resolved conversation once.
 * - `chat_settings.welcome_message` becomes `welcome_message_fr` (the API's `welcomeMessage`
 *   stays its alias) and `welcome_message_en` is added. Existing text is kept: a customised
 *   welcome (language unknown) now greets both until an admin writes the other one; the seeded
 *   English default, never edited, becomes the English welcome and French gets its own.
 * - `chat_sessions.rating` (1–5), `rating_comment`, `rated_at`: set together, once, by the
 *   session's visitor after staff resolved it. The partial index serves the dashboard's weekly
 *   averages (rated sessions only).
 */
export class ChatRatingAndWelcomeLanguages1765238400000 implements MigrationInterface {
  name = 'ChatRatingAndWelcomeLanguages1765238400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE chat_settings RENAME COLUMN welcome_message TO welcome_message_fr`);
    await q.query(`ALTER TABLE chat_settings ADD COLUMN welcome_message_en text NULL`);
    await q.query(`UPDATE chat_settings SET welcome_message_en = welcome_message_fr`);
    await q.query(
      `UPDATE chat_settings SET welcome_message_fr = $1 WHERE welcome_message_fr = $2`,
      [DEFAULT_CHAT_WELCOME_FR, DEFAULT_CHAT_WELCOME_EN],
    );
    await q.query(`ALTER TABLE chat_settings ALTER COLUMN welcome_message_en SET NOT NULL`);

    await q.query(
      `ALTER TABLE chat_sessions
         ADD COLUMN rating smallint NULL CHECK (rating BETWEEN 1 AND 5),
         ADD COLUMN rating_comment text NULL,
         ADD COLUMN rated_at timestamptz NULL,
         ADD CONSTRAINT chat_sessions_rating_rated_at CHECK ((rating IS NULL) = (rated_at IS NULL))`,
    );
    await q.query(
      `CREATE INDEX chat_sessions_rated_at ON chat_sessions (rated_at) WHERE rated_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX chat_sessions_rated_at`);
    await q.query(
      `ALTER TABLE chat_sessions
         DROP CONSTRAINT chat_sessions_rating_rated_at,
         DROP COLUMN rated_at, DROP COLUMN rating_comment, DROP COLUMN rating`,
    );
    await q.query(
      `UPDATE chat_settings SET welcome_message_fr = welcome_message_en
        WHERE welcome_message_fr = $1`,
      [DEFAULT_CHAT_WELCOME_FR],
    );
    await q.query(`ALTER TABLE chat_settings DROP COLUMN welcome_message_en`);
    await q.query(`ALTER TABLE chat_settings RENAME COLUMN welcome_message_fr TO welcome_message`);
  }
}
