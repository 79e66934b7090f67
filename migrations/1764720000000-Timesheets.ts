import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accented Latin letters and their plain twins, for `timesheet_fold` (both cases, 1:1). */
const ACCENTED = 'àáâãäåāăąçćčďđèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűýÿžźż';
const PLAIN = 'aaaaaaaaacccddeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuyyzzz';

function foldFunction(): string {
  const from = ACCENTED + ACCENTED.toUpperCase();
  const to = PLAIN + PLAIN;
  if ([...from].length !== [...to].length) throw new Error('timesheet_fold: alphabets differ');
  // Immutable, so indexes can use it; lower() after translate() since the embedded database's
  // C locale lowers ASCII only.
  return `CREATE FUNCTION timesheet_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(translate(value, '${from}', '${to}')) $$`;
}

/** The named levels, each searched by its folded name (trigram index where pg_trgm exists). */
const NAMED = [
  'timesheet_customers',
  'timesheet_projects',
  'timesheet_phases',
  'timesheet_activities',
  'timesheet_kinds',
] as const;

/**
 * The timesheets domain (issue 16): customers → projects → phases → activities, the kinds of
 * work each project or activity allows, who is assigned to which project, people's time
 * entries and their time zone.
 *
 * - Names are unique per parent ignoring case and accents (`timesheet_fold`), which is also how
 *   people find them by text ("le client Dupont" finds "Dupont SARL" and "DUPONT").
 * - Deleting a level deletes what is under it (CASCADE), but never booked time: time entries
 *   reference their project, activity and kind with RESTRICT, so once time is booked the level
 *   must be archived (`archived_at`) and its entries stay.
 * - One index per listing: a person's entries by day (`user_id, date`: listings, the 24-hour
 *   day total, summaries), a project's by day (reports, export), a person's projects
 *   (`members.user_id`), each level under its parent (the unique name indexes lead with the
 *   parent), and every foreign key.
 */
export class Timesheets1764720000000 implements MigrationInterface {
  name = 'Timesheets1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(foldFunction());
    await q.query(`
      CREATE TABLE timesheet_customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(120) NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX timesheet_customers_name_idx ON timesheet_customers (timesheet_fold(name))`,
    );
    await q.query(`
      CREATE TABLE timesheet_projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES timesheet_customers (id) ON DELETE CASCADE,
        name varchar(120) NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX timesheet_projects_name_idx ON timesheet_projects (customer_id, timesheet_fold(name))`,
    );
    await q.query(`
      CREATE TABLE timesheet_phases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES timesheet_projects (id) ON DELETE CASCADE,
        name varchar(120) NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX timesheet_phases_name_idx ON timesheet_phases (project_id, timesheet_fold(name))`,
    );
    await q.query(`
      CREATE TABLE timesheet_activities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phase_id uuid NOT NULL REFERENCES timesheet_phases (id) ON DELETE CASCADE,
        name varchar(120) NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX timesheet_activities_name_idx ON timesheet_activities (phase_id, timesheet_fold(name))`,
    );
    await q.query(`
      CREATE TABLE timesheet_kinds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(120) NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX timesheet_kinds_name_idx ON timesheet_kinds (timesheet_fold(name))`,
    );

    await q.query(`
      CREATE TABLE timesheet_project_members (
        project_id uuid NOT NULL REFERENCES timesheet_projects (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, user_id)
      )`);
    await q.query(
      `CREATE INDEX timesheet_project_members_user_idx ON timesheet_project_members (user_id)`,
    );
    await q.query(`
      CREATE TABLE timesheet_project_kinds (
        project_id uuid NOT NULL REFERENCES timesheet_projects (id) ON DELETE CASCADE,
        kind_id uuid NOT NULL REFERENCES timesheet_kinds (id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, kind_id)
      )`);
    await q.query(
      `CREATE INDEX timesheet_project_kinds_kind_idx ON timesheet_project_kinds (kind_id)`,
    );
    await q.query(`
      CREATE TABLE timesheet_activity_kinds (
        activity_id uuid NOT NULL REFERENCES timesheet_activities (id) ON DELETE CASCADE,
        kind_id uuid NOT NULL REFERENCES timesheet_kinds (id) ON DELETE CASCADE,
        PRIMARY KEY (activity_id, kind_id)
      )`);
    await q.query(
      `CREATE INDEX timesheet_activity_kinds_kind_idx ON timesheet_activity_kinds (kind_id)`,
    );

    await q.query(`
      CREATE TABLE timesheet_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        project_id uuid NOT NULL REFERENCES timesheet_projects (id) ON DELETE RESTRICT,
        activity_id uuid NOT NULL REFERENCES timesheet_activities (id) ON DELETE RESTRICT,
        kind_id uuid NOT NULL REFERENCES timesheet_kinds (id) ON DELETE RESTRICT,
        date date NOT NULL,
        duration_minutes smallint NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
        comment varchar(500),
        billable boolean NOT NULL,
        idempotency_key varchar(255),
        request_hash char(64),
        oauth_client_id varchar(255),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
      )`);
    await q.query(
      `CREATE INDEX timesheet_entries_user_date_idx ON timesheet_entries (user_id, date)`,
    );
    await q.query(
      `CREATE INDEX timesheet_entries_project_date_idx ON timesheet_entries (project_id, date)`,
    );
    await q.query(`CREATE INDEX timesheet_entries_activity_idx ON timesheet_entries (activity_id)`);
    await q.query(`CREATE INDEX timesheet_entries_kind_idx ON timesheet_entries (kind_id)`);
    await q.query(
      `CREATE UNIQUE INDEX timesheet_entries_idempotency_idx ON timesheet_entries (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE timesheet_settings (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        time_zone varchar(64) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Substring search ("dupont" in "Dupont SARL") on PostgreSQL, where pg_trgm ships; the
    // embedded database scans, which its size allows (see 1764806400000 for the same choice).
    const trgm = (await q.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`,
    )) as unknown[];
    if (trgm.length) {
      await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      for (const table of NAMED) {
        await q.query(
          `CREATE INDEX ${table}_name_trgm_idx ON ${table} USING gin (timesheet_fold(name) gin_trgm_ops)`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'timesheet_settings',
      'timesheet_entries',
      'timesheet_activity_kinds',
      'timesheet_project_kinds',
      'timesheet_project_members',
      'timesheet_kinds',
      'timesheet_activities',
      'timesheet_phases',
      'timesheet_projects',
      'timesheet_customers',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION timesheet_fold(text)`);
  }
}
