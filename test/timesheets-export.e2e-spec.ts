import { bearer, loginAs, startTestApp, TestApp } from './support/test-app';
import {
  book,
  buildHierarchy,
  createPerson,
  daysAgo,
  type Hierarchy,
  parseCsv,
  type Person,
} from './support/timesheets';

const HEADER = [
  'date',
  'person',
  'email',
  'customer',
  'project',
  'phase',
  'activity',
  'kind',
  'minutes',
  'hours',
  'billable',
  'comment',
  'id',
];

/**
 * GET /api/timesheets/entries/export.csv: staff download a filtered list of everyone's entries
 * as a file Excel opens (UTF-8 with BOM, RFC 4180), with formula-like cells defused.
 */
describe('Timesheets CSV export', () => {
  let t: TestApp;
  let alice: Person;
  let bob: Person;
  let h: Hierarchy;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createPerson(t, 'Alice Martin');
    bob = await createPerson(t, 'Bob Durand');
    h = await buildHierarchy(t, { alice, bob });
    ids.mockups = (
      await book(t, alice, {
        date: daysAgo(3),
        activity: 'Maquettes',
        kind: 'Développement',
        durationMinutes: 90,
        comment: '=HYPERLINK("http://evil.example","clic")',
      })
    ).id;
    ids.acceptance = (
      await book(t, alice, {
        date: daysAgo(2),
        activity: 'Recette',
        kind: 'Réunion',
        durationMinutes: 45,
        comment: 'Point avec "Martin, Fils"\nsuite la semaine prochaine',
        billable: false,
      })
    ).id;
    ids.bob = (
      await book(t, bob, {
        date: daysAgo(2),
        activity: 'Dev',
        kind: 'Déplacement',
        durationMinutes: 120,
        comment: '+33 6 12 34 56 78',
      })
    ).id;
    ids.old = (
      await book(t, bob, {
        date: daysAgo(20),
        activity: 'Dev',
        kind: 'Réunion',
        durationMinutes: 30,
        comment: '@SUM(A1:A9)',
      })
    ).id;
  });
  afterAll(() => t?.close());

  const csv = (query: Record<string, string>, token = h.staff) =>
    t
      .http()
      .get('/api/timesheets/entries/export.csv')
      .query(query)
      .set(bearer(token))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const rowsOf = (body: Buffer) => parseCsv(body.toString('utf8').replace(/^\uFEFF/, ''));

  it('is a UTF-8 file with BOM, as an attachment, one header line and one line per entry', async () => {
    const res = await csv({ from: daysAgo(10), to: daysAgo(0) }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="timesheets-${daysAgo(10)}-${daysAgo(0)}.csv"`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).toMatch(/\r\n$/);
    const [header, ...rows] = rowsOf(body);
    expect(header).toEqual(HEADER);
    // Oldest day first; the entry of 20 days ago is outside the range.
    expect(rows.map((r) => r[12])).toEqual([ids.mockups, ids.acceptance, ids.bob]);
    expect(rows[0]).toEqual([
      daysAgo(3),
      'Alice Martin',
      alice.email,
      'Dupont SARL',
      'Site web',
      'Conception',
      'Maquettes',
      'Développement',
      '90',
      '1.5',
      'true',
      `'=HYPERLINK("http://evil.example","clic")`,
      ids.mockups,
    ]);
  });

  it('quotes commas, quotes and line breaks, and defuses = + - @ at the start of a cell', async () => {
    const res = await csv({ from: daysAgo(30), to: daysAgo(0) }).expect(200);
    const text = (res.body as Buffer).toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""clic"")"`);
    expect(text).toContain('"Point avec ""Martin, Fils""\nsuite la semaine prochaine"');
    const rows = rowsOf(res.body as Buffer).slice(1);
    const comments = Object.fromEntries(rows.map((r) => [r[12], r[11]]));
    expect(comments[ids.acceptance]).toBe('Point avec "Martin, Fils"\nsuite la semaine prochaine');
    expect(comments[ids.bob]).toBe("'+33 6 12 34 56 78");
    expect(comments[ids.old]).toBe("'@SUM(A1:A9)");
    expect(rows.find((r) => r[12] === ids.acceptance)![10]).toBe('false');
    // Every line has the header's thirteen cells.
    expect(rows.every((r) => r.length === HEADER.length)).toBe(true);
  });

  it('filters by person, project and range', async () => {
    const range = { from: daysAgo(30), to: daysAgo(0) };
    const byPerson = rowsOf((await csv({ ...range, userId: bob.id }).expect(200)).body);
    expect(byPerson.slice(1).map((r) => r[12])).toEqual([ids.old, ids.bob]);
    const byProject = rowsOf(
      (await csv({ ...range, projectId: h.projects.intranet.id }).expect(200)).body,
    );
    expect(byProject.slice(1).map((r) => r[12])).toEqual([ids.acceptance]);
    const both = rowsOf(
      (await csv({ ...range, userId: bob.id, projectId: h.projects.site.id }).expect(200)).body,
    );
    expect(both).toEqual([HEADER]);
    const oneDay = rowsOf((await csv({ from: daysAgo(2), to: daysAgo(2) }).expect(200)).body);
    expect(
      oneDay
        .slice(1)
        .map((r) => r[12])
        .sort(),
    ).toEqual([ids.acceptance, ids.bob].sort());
  });

  it('is for staff: a user session gets 403, no token 401, in the one error shape', async () => {
    const user = await loginAs(t, 'user');
    const refused = await t
      .http()
      .get('/api/timesheets/entries/export.csv')
      .query({ from: daysAgo(3), to: daysAgo(0) })
      .set(bearer(user.token))
      .expect(403);
    expect(refused.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      code: 'FORBIDDEN',
      message: expect.any(String),
      requestId: expect.any(String),
    });
    await t
      .http()
      .get('/api/timesheets/entries/export.csv')
      .query({ from: daysAgo(3), to: daysAgo(0) })
      .expect(401);
    const admin = await loginAs(t, 'admin');
    await csv({ from: daysAgo(3), to: daysAgo(0) }, admin.token).expect(200);
  });

  it('refuses a bad query with 400 naming the field', async () => {
    const bad = async (query: Record<string, string>, field: string) => {
      const res = await t
        .http()
        .get('/api/timesheets/entries/export.csv')
        .query(query)
        .set(bearer(h.staff))
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'VALIDATION_FAILED',
        requestId: expect.any(String),
      });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({ to: daysAgo(0) }, 'from');
    await bad({ from: '2026-02-30', to: daysAgo(0) }, 'from');
    await bad({ from: daysAgo(0), to: daysAgo(1) }, 'from');
    await bad({ from: '2020-01-01', to: '2022-01-01' }, 'to');
    await bad({ from: daysAgo(3), to: daysAgo(0), userId: 'alice' }, 'userId');
    await bad({ from: daysAgo(3), to: daysAgo(0), limit: '10' }, 'limit');
  });
});
