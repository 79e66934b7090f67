import { Logger } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Pool } from 'pg';
import type { PanelAdmin } from '../../admin/access';

export type SessionCheck = (admin: PanelAdmin) => Promise<PanelAdmin | null>;

const logger = new Logger('AdminSessions');

/**
 * Back-office sessions in PostgreSQL (table admin_sessions), on the app's own pool, so they
 * survive restarts and are shared by instances. Each load re-reads the user: a deactivated
 * or demoted account loses its session (or its rights) on the next request, not at expiry.
 */
export function createAdminSessionStore(pool: Pool, check: SessionCheck) {
  const PgStore = connectPgSimple(session);

  class AdminSessionStore extends PgStore {
    override get(
      sid: string,
      callback: (err: unknown, session?: session.SessionData | null) => void,
    ): void {
      super.get(sid, (err: unknown, sess?: session.SessionData | null) => {
        const admin = (sess as { adminUser?: PanelAdmin } | null | undefined)?.adminUser;
        if (err || !sess || !admin) return callback(err, sess);
        check(admin).then(
          (current) => {
            if (current) {
              (sess as { adminUser?: PanelAdmin }).adminUser = current;
              return callback(null, sess);
            }
            this.destroy(sid, () => callback(null, null));
          },
          (checkErr: unknown) => callback(checkErr),
        );
      });
    }
  }

  return new AdminSessionStore({
    pool,
    tableName: 'admin_sessions',
    createTableIfMissing: false, // created by migration AdminSessions1764201600000
    errorLog: (...args: unknown[]) => logger.error(args.map(String).join(' ')),
  });
}
