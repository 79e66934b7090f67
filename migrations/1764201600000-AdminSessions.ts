import { MigrationInterface, QueryRunner } from 'typeorm';

/** Back-office (AdminJS) sessions, in the shape connect-pg-simple reads and writes. */
export class AdminSessions1764201600000 implements MigrationInterface {
  name = 'AdminSessions1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_sessions (
        sid varchar NOT NULL PRIMARY KEY,
        sess json NOT NULL,
        expire timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX admin_sessions_expire_idx ON admin_sessions (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admin_sessions`);
  }
}
