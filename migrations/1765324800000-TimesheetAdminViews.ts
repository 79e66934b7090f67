import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-only views for the back-office's timesheet pages (issue 16), so AdminJS lists, filters
 * and pages them like tables:
 * - `timesheet_members_view`: who is assigned to which project, one row per membership with a
 *   single-column id (the table's key is the pair, which AdminJS's TypeORM adapter cannot use),
 *   and the person's email and name (staff cannot open the admins-only users resource);
 * - `timesheet_entries_view`: every time entry with its person's email and name, and its
 *   customer and phase (the levels above it) for the filters.
 * Changes still go through TimesheetsHierarchyService; entries are the person's own.
 */
export class TimesheetAdminViews1765324800000 implements MigrationInterface {
  name = 'TimesheetAdminViews1765324800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW timesheet_members_view AS
      SELECT m.project_id::text || ':' || m.user_id::text AS id,
             m.project_id,
             p.customer_id,
             m.user_id,
             u.email AS user_email,
             u.name AS user_name,
             m.created_at
        FROM timesheet_project_members m
        JOIN timesheet_projects p ON p.id = m.project_id
        JOIN users u ON u.id = m.user_id`);
    await q.query(`
      CREATE VIEW timesheet_entries_view AS
      SELECT e.id,
             e.date,
             e.user_id,
             u.email AS user_email,
             u.name AS user_name,
             p.customer_id,
             e.project_id,
             a.phase_id,
             e.activity_id,
             e.kind_id,
             e.duration_minutes,
             e.billable,
             e.comment,
             e.created_at,
             e.updated_at
        FROM timesheet_entries e
        JOIN timesheet_projects p ON p.id = e.project_id
        JOIN timesheet_activities a ON a.id = e.activity_id
        JOIN users u ON u.id = e.user_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW timesheet_entries_view`);
    await q.query(`DROP VIEW timesheet_members_view`);
  }
}
