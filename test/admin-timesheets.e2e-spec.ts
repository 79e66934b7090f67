import request from 'supertest';
import { UsersService } from '../src/users/users.service';
import { ADMIN, query, startTestApp, TestApp } from './support/test-app';
import { book, createPerson, daysAgo, parseCsv, type Person } from './support/timesheets';
import { addDays, weekStart } from '../src/timesheets/calendar';

type Agent = ReturnType<typeof request.agent>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The timesheets in the back-office, through AdminJS's own API (what its pages post): staff
 * build the hierarchy, assign people, archive rather than delete what has time, list and export
 * everyone's entries and read the week view. Every change goes through the module's services.
 */
describe('Back-office: timesheets', () => {
  let t: TestApp;
  let staff: Agent;
  let alice: Person;
  const run = Math.random().toString(36).slice(2, 8);
  const staffUser = { email: `staff-${run}@test.passerelle`, password: 'staff-password-123456' };
  const ids: Record<string, string> = {};

  const login = async (email: string, password: string) => {
    const a = request.agent(t.app.getHttpServer());
    await a.post('/admin/login').type('form').send({ email, password }).expect(302);
    return a;
  };
  const api = (path: string) => `/admin/api/resources/${path}`;
  const post = async (path: string, data: Json = {}) =>
    (await staff.post(api(path)).send(data).expect(200)).body as Json;
  const ok = (body: Json) => {
    expect(body.notice).toMatchObject({ type: 'success' });
    return body;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_MAX_PER_IP: '200' } });
    await t.get(UsersService).create({ ...staffUser, role: 'staff', name: 'Sam Staff' });
    staff = await login(staffUser.email, staffUser.password);
    alice = await createPerson(t, 'Alice Martin');
  });
  afterAll(() => t?.close());

  it('staff build customer → project → phase → activity and kinds, with the API’s rules', async () => {
    const customer = ok(
      await post('timesheet-customers/actions/newCustomer', { name: 'Dupont SARL' }),
    );
    ids.customer = customer.record.id;
    const dup = await post('timesheet-customers/actions/newCustomer', { name: 'dupont sarl' });
    expect(dup.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/already/) });
    for (const name of ['Développement', 'Réunion']) {
      ok(await post('timesheet-kinds/actions/newKind', { name }));
    }
    const project = ok(
      await post(`timesheet-customers/records/${ids.customer}/addProject`, { name: 'Site web' }),
    );
    [{ id: ids.project }] = await query<{ id: string }>(
      t,
      `SELECT id FROM timesheet_projects WHERE name = 'Site web'`,
    );
    expect(project.redirectUrl).toContain(`/timesheet-projects/records/${ids.project}/show`);
    ok(await post(`timesheet-projects/records/${ids.project}/addPhase`, { name: 'Conception' }));
    [{ id: ids.phase }] = await query<{ id: string }>(t, `SELECT id FROM timesheet_phases`);
    ok(await post(`timesheet-phases/records/${ids.phase}/addActivity`, { name: 'Maquettes' }));
    [{ id: ids.activity }] = await query<{ id: string }>(t, `SELECT id FROM timesheet_activities`);

    ok(
      await post(`timesheet-projects/records/${ids.project}/setKinds`, {
        kinds: 'developpement, Réunion',
      }),
    );
    const shown = await staff
      .get(api(`timesheet-projects/records/${ids.project}/show`))
      .expect(200);
    expect(shown.body.record.params).toMatchObject({
      name: 'Site web',
      customerId: ids.customer,
      allowedKinds: 'Développement, Réunion',
    });
    const unknown = await post(`timesheet-projects/records/${ids.project}/setKinds`, {
      kinds: 'Sieste',
    });
    expect(unknown.notice).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/Sieste/),
    });
    const empty = await post(`timesheet-projects/records/${ids.project}/rename`, { name: ' ' });
    expect(empty.notice.type).toBe('error');
    ok(await post(`timesheet-projects/records/${ids.project}/rename`, { name: 'Site vitrine' }));
  });

  it('assigns a person by email; memberships are listed and unassigned', async () => {
    ok(
      await post(`timesheet-projects/records/${ids.project}/assignPerson`, { email: alice.email }),
    );
    const nobody = await post(`timesheet-projects/records/${ids.project}/assignPerson`, {
      email: 'nobody@test.passerelle',
    });
    expect(nobody.notice).toMatchObject({ type: 'error', message: /No active user/ });
    const list = await staff
      .get(api(`timesheet-members/actions/list?filters.projectId=${ids.project}`))
      .expect(200);
    expect(list.body.records.map((r: Json) => r.params.userEmail)).toEqual([alice.email]);
    const memberId = list.body.records[0].id;
    expect(memberId).toBe(`${ids.project}:${alice.id}`);
    // A GET changes nothing (the form); the POST unassigns.
    await staff.get(api(`timesheet-members/records/${memberId}/unassign`)).expect(200);
    ok(await post(`timesheet-members/records/${memberId}/unassign`));
    expect(await query(t, 'SELECT * FROM timesheet_project_members')).toEqual([]);
    ok(
      await post(`timesheet-projects/records/${ids.project}/assignPerson`, { email: alice.email }),
    );
  });

  it('a project with booked time is archived, not deleted (the service’s 409 as a notice)', async () => {
    await book(t, alice, {
      date: daysAgo(1),
      activity: 'Maquettes',
      kind: 'Développement',
      durationMinutes: 150,
      comment: '-1 bug',
    });
    const refused = await post(`timesheet-projects/records/${ids.project}/remove`);
    expect(refused.notice).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/Time is booked on this project \(1 entries\): archive it/),
    });
    ok(await post(`timesheet-projects/records/${ids.project}/archive`));
    const [row] = await query<{ archived_at: Date | null }>(
      t,
      'SELECT archived_at FROM timesheet_projects WHERE id = $1',
      [ids.project],
    );
    expect(row.archived_at).not.toBeNull();
    ok(await post(`timesheet-projects/records/${ids.project}/unarchive`));
    // A kind without time is deleted.
    ok(await post('timesheet-kinds/actions/newKind', { name: 'Sieste' }));
    const [{ id: kind }] = await query<{ id: string }>(
      t,
      `SELECT id FROM timesheet_kinds WHERE name = 'Sieste'`,
    );
    ok(await post(`timesheet-kinds/records/${kind}/remove`));
    // The generic AdminJS writes are off.
    const generic = await staff.post(api(`timesheet-projects/records/${ids.project}/delete`));
    expect(generic.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    const edit = await staff
      .post(api(`timesheet-projects/records/${ids.project}/edit`))
      .send({ name: 'Renamed' });
    expect(edit.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    expect(await query(t, 'SELECT name FROM timesheet_projects')).toEqual([
      { name: 'Site vitrine' },
    ]);
  });

  it('lists entries by person, project and week, and exports the same filter as CSV', async () => {
    const monday = weekStart(daysAgo(1));
    const list = await staff
      .get(
        api(
          `timesheet-entries/actions/list?filters.userEmail=${alice.email.slice(0, 8)}&filters.projectId=${ids.project}&filters.date~~from=${monday}&filters.date~~to=${addDays(monday, 6)}`,
        ),
      )
      .expect(200);
    expect(
      list.body.records.map((r: Json) => [r.params.userEmail, r.params.durationMinutes]),
    ).toEqual([[alice.email, 150]]);
    const form = await staff.get(api('timesheet-entries/actions/exportCsv')).expect(200);
    expect(form.body.projects).toEqual([{ id: ids.project, label: 'Dupont SARL / Site vitrine' }]);
    expect(form.body.week.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const exported = ok(
      await post('timesheet-entries/actions/exportCsv', {
        from: daysAgo(7),
        to: daysAgo(0),
        email: alice.email,
        projectId: ids.project,
      }),
    );
    expect(exported.download.filename).toBe(`timesheets-${daysAgo(7)}-${daysAgo(0)}.csv`);
    const rows = parseCsv(exported.download.content.replace(/^\uFEFF/, ''));
    expect(rows[1].slice(0, 12)).toEqual([
      daysAgo(1),
      'Alice Martin',
      alice.email,
      'Dupont SARL',
      'Site vitrine',
      'Conception',
      'Maquettes',
      'Développement',
      '150',
      '2.5',
      'true',
      "'-1 bug",
    ]);
    const bad = await post('timesheet-entries/actions/exportCsv', { from: daysAgo(0), to: '' });
    expect(bad.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/to/) });
  });

  it('the week view sums everyone’s hours per project and day', async () => {
    const day = daysAgo(1);
    const res = await staff.get(`/admin/api/pages/timesheetWeek?week=${day}`).expect(200);
    const index = res.body.days.indexOf(day);
    expect(res.body).toMatchObject({
      week: weekStart(day),
      totalMinutes: 150,
      people: [{ userId: alice.id, name: 'Alice Martin', minutes: 150, hours: 2.5 }],
      projects: [{ projectId: ids.project, project: 'Site vitrine', minutes: 150 }],
    });
    expect(res.body.projects[0].days[index]).toBe(150);
    const empty = await staff
      .get(`/admin/api/pages/timesheetWeek?week=${addDays(day, -70)}`)
      .expect(200);
    expect(empty.body).toMatchObject({ totalMinutes: 0, projects: [], people: [] });
  });

  it('admins have the same pages; a `user` account cannot log in', async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    await admin.get(api('timesheet-entries/actions/list')).expect(200);
    await request(t.app.getHttpServer())
      .post('/admin/login')
      .type('form')
      .send({ email: alice.email, password: alice.password })
      .expect((res) => expect(res.headers.location ?? '').not.toMatch(/\/admin$/));
  });
});
