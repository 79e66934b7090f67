import { SEED_PEOPLE } from '../src/timesheets/seed/seed-timesheets';
import { runCli } from './support/spawn';
import { query, startTestApp, TestApp } from './support/test-app';

const SLOW = 120_000;
const TABLES = [
  'timesheet_customers',
  'timesheet_projects',
  'timesheet_phases',
  'timesheet_activities',
  'timesheet_kinds',
  'timesheet_project_members',
  'timesheet_project_kinds',
  'timesheet_entries',
];

/** npm run db:seed loads demonstration timesheets through the services, once. */
describe('db:seed: demonstration timesheets', () => {
  let t: TestApp;
  const seed = () => runCli(t.env, ['db:seed'], { timeoutMs: 90_000 });
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const [{ n }] = await query<{ n: number }>(t, `SELECT count(*)::int AS n FROM ${table}`);
      out[table] = n;
    }
    const emails = SEED_PEOPLE.map((p) => p.email);
    const [{ n }] = await query<{ n: number }>(
      t,
      `SELECT count(*)::int AS n FROM users WHERE email = ANY($1)`,
      [emails],
    );
    return { ...out, people: n } as Record<string, number>;
  };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it(
    'creates customers, projects, phases, activities, French kinds, memberships and weeks of entries',
    async () => {
      const r = await seed();
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(
        /Seeded timesheets: created 3 customers, 3 projects, 5 phases, 10 activities, 3 kinds, 2 people; entries: created \d+, skipped 0/,
      );
      expect(r.stdout).toMatch(/claire\.moreau@example\.com {2}password \(shown once\): \S{12,}/);
      const c = await counts();
      expect(c).toMatchObject({
        timesheet_customers: 3,
        timesheet_projects: 3,
        timesheet_phases: 5,
        timesheet_activities: 10,
        timesheet_kinds: 3,
        timesheet_project_members: 4,
        timesheet_project_kinds: 2,
        people: 2,
      });
      // Three full weeks of weekdays before this one, at least 4 entries a day.
      expect(c.timesheet_entries).toBeGreaterThanOrEqual(3 * 5 * 4);
      const kinds = await query<{ name: string }>(
        t,
        'SELECT name FROM timesheet_kinds ORDER BY name',
      );
      expect(kinds.map((k) => k.name)).toEqual(['Déplacement', 'Développement', 'Réunion']);
      // Every entry is a seeded person's, on their projects, at most 24 h a day.
      const [{ worst }] = await query<{ worst: number }>(
        t,
        `SELECT coalesce(max(m), 0)::int AS worst FROM
           (SELECT sum(duration_minutes) AS m FROM timesheet_entries GROUP BY user_id, date) d`,
      );
      expect(worst).toBeLessThanOrEqual(1440);
      const [{ outside }] = await query<{ outside: number }>(
        t,
        `SELECT count(*)::int AS outside FROM timesheet_entries e
          WHERE NOT EXISTS (SELECT 1 FROM timesheet_project_members m
                             WHERE m.project_id = e.project_id AND m.user_id = e.user_id)`,
      );
      expect(outside).toBe(0);
    },
    SLOW,
  );

  it(
    'run again: the same counts, nothing created',
    async () => {
      const before = await counts();
      const r = await seed();
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(
        /created 0 customers, 0 projects, 0 phases, 0 activities, 0 kinds, 0 people; entries: created 0, skipped [1-9]\d*/,
      );
      expect(r.stdout).not.toContain('password');
      expect(await counts()).toEqual(before);
    },
    SLOW,
  );
});
