import { freePort } from './support/spawn';
import { bearer, createGptKey, loginAs, query, startTestApp, TestApp } from './support/test-app';
import {
  buildHierarchy,
  countEntries,
  createPerson,
  daysAgo,
  type Hierarchy,
  parisToday,
  type Person,
  tokenOf,
} from './support/timesheets';
import { todayIn } from '../src/timesheets/calendar';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Timesheets through REST: staff build customers → projects → phases → activities and kinds
 * and assign people; a person (OAuth token, as an integrator holds one) books, lists, changes
 * and deletes their own entries; archiving keeps booked time; the time zone decides "today".
 */
describe('Timesheets REST (/api/timesheets)', () => {
  let t: TestApp;
  let base: string;
  let alice: Person;
  let bob: Person;
  let h: Hierarchy;
  let aliceToken: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ listen: true, port, env: { APP_URL: base } });
    alice = await createPerson(t, 'Alice Martin');
    bob = await createPerson(t, 'Bob Durand');
    h = await buildHierarchy(t, { alice, bob });
    aliceToken = await tokenOf(base, alice);
  });
  afterAll(async () => {
    await t?.close();
  });

  const staff = () => bearer(h.staff);
  const api = (path: string) => `/api/timesheets/${path}`;

  describe('the hierarchy, managed by staff', () => {
    it('lists each level under its parent, with the kinds projects and activities allow', async () => {
      const projects = await t
        .http()
        .get(api(`projects?customerId=${h.customers.dupont.id}`))
        .set(staff())
        .expect(200);
      expect(projects.body.items.map((p: Json) => p.name)).toEqual(['Intranet', 'Site web']);
      const site = projects.body.items.find((p: Json) => p.name === 'Site web');
      expect(site).toMatchObject({ level: 'project', parentId: h.customers.dupont.id });
      expect(site.kinds.map((k: Json) => k.name).sort()).toEqual(['Développement', 'Réunion']);
      const activities = await t
        .http()
        .get(api(`activities?phaseId=${h.phases.siteDesign.id}`))
        .set(staff())
        .expect(200);
      expect(activities.body.items.map((a: Json) => [a.name, a.kinds.length])).toEqual([
        ['Ateliers', 0],
        ['Maquettes', 1],
      ]);
    });

    it('searches names ignoring case and accents', async () => {
      const customers = await t.http().get(api('customers?search=DUP')).set(staff()).expect(200);
      expect(customers.body.items.map((c: Json) => c.name)).toEqual(['Dupont SARL']);
      const kinds = await t.http().get(api('kinds?search=reunion')).set(staff()).expect(200);
      expect(kinds.body.items.map((k: Json) => k.name)).toEqual(['Réunion']);
      const wildcard = await t.http().get(api('customers?search=%25')).set(staff()).expect(200);
      expect(wildcard.body.items).toEqual([]);
    });

    it('refuses a name already used under the same parent (case and accents ignored)', async () => {
      const dup = await t
        .http()
        .post(api('customers'))
        .set(staff())
        .send({ name: 'DUPONT sarl' })
        .expect(409);
      expect(dup.body).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('DUPONT sarl'),
      });
      await t.http().post(api('kinds')).set(staff()).send({ name: 'developpement' }).expect(409);
      // The same phase name in another project is fine (Conception is in two already).
      await t
        .http()
        .post(api('phases'))
        .set(staff())
        .send({ projectId: h.projects.appli.id, name: 'Conception' })
        .expect(201);
    });

    it('names each invalid field, and answers unknown or malformed ids with the same 404', async () => {
      const bad = await t
        .http()
        .post(api('projects'))
        .set(staff())
        .send({ customerId: 'nope', name: '<b></b>', extra: 1 })
        .expect(400);
      expect(bad.body.details.map((d: Json) => d.field).sort()).toEqual([
        'customerId',
        'extra',
        'name',
      ]);
      const unknown = await t
        .http()
        .post(api('projects'))
        .set(staff())
        .send({ customerId: '00000000-0000-4000-8000-000000000000', name: 'X' })
        .expect(404);
      expect(unknown.body.message).toBe('Customer not found');
      const malformed = await t.http().get(api('projects/not-a-uuid')).set(staff()).expect(404);
      expect(malformed.body.message).toBe('Project not found');
      const tooWide = await t
        .http()
        .post(api('activities'))
        .set(staff())
        .send({ phaseId: h.phases.siteDesign.id, name: 'Trajets', kindIds: [h.kinds.travel.id] })
        .expect(400);
      expect(tooWide.body.details[0].field).toBe('kindIds');
    });

    it('is for staff: a person’s session or token is refused', async () => {
      const user = await loginAs(t, 'user');
      await t.http().get(api('customers')).set(bearer(user.token)).expect(403);
      await t.http().get(api('customers')).set(bearer(aliceToken)).expect(401);
    });

    it('assigns and unassigns people', async () => {
      const carol = await createPerson(t, 'Carol Petit');
      const added = await t
        .http()
        .post(api(`projects/${h.projects.site.id}/members`))
        .set(staff())
        .send({ userId: carol.id })
        .expect(200);
      expect(added.body.items.map((m: Json) => m.name).sort()).toEqual([
        'Alice Martin',
        'Carol Petit',
      ]);
      const removed = await t
        .http()
        .delete(api(`projects/${h.projects.site.id}/members/${carol.id}`))
        .set(staff())
        .expect(200);
      expect(removed.body.items.map((m: Json) => m.name)).toEqual(['Alice Martin']);
      await t
        .http()
        .post(api(`projects/${h.projects.site.id}/members`))
        .set(staff())
        .send({ userId: '00000000-0000-4000-8000-000000000000' })
        .expect(404);
    });
  });

  describe('a person’s own time, with their OAuth token', () => {
    const me = (path: string) => `/api/timesheets/me/${path}`;

    it('sees only the customers and projects they are assigned to, and today in their zone', async () => {
      const customers = await t.http().get(me('customers')).set(bearer(aliceToken)).expect(200);
      expect(customers.body).toEqual({
        today: parisToday(),
        timeZone: 'Europe/Paris',
        items: [{ id: h.customers.dupont.id, name: 'Dupont SARL' }],
      });
      const projects = await t.http().get(me('projects')).set(bearer(aliceToken)).expect(200);
      expect(projects.body.items.map((p: Json) => p.name)).toEqual(['Intranet', 'Site web']);
      const theirs = await t
        .http()
        .get(me('projects?customer=martin'))
        .set(bearer(aliceToken))
        .expect(404);
      expect(theirs.body.message).toMatch(/No customer "martin".*listCustomers/);
    });

    it('books time once per Idempotency-Key, lists it, changes and deletes it', async () => {
      const body = {
        date: daysAgo(1),
        activity: 'maquettes',
        kind: 'développement',
        durationMinutes: 90,
        comment: '<i>Accueil</i>',
      };
      const first = await t
        .http()
        .post(me('entries'))
        .set(bearer(aliceToken))
        .set('Idempotency-Key', 'rest-1')
        .send(body)
        .expect(201);
      expect(first.body).toMatchObject({
        replayed: false,
        dayTotalMinutes: 90,
        dayTotal: '1 h 30',
        dayRemainingMinutes: 1350,
        entry: {
          date: daysAgo(1),
          duration: '1 h 30',
          comment: 'Accueil',
          billable: true,
          customer: 'Dupont SARL',
          project: 'Site web',
          phase: 'Conception',
          activity: 'Maquettes',
          kind: 'Développement',
          projectArchived: false,
        },
      });
      const retry = await t
        .http()
        .post(me('entries'))
        .set(bearer(aliceToken))
        .set('Idempotency-Key', 'rest-1')
        .send(body)
        .expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.entry.id).toBe(first.body.entry.id);
      expect(await countEntries(t, alice.id)).toBe(1);

      const listed = await t
        .http()
        .get(me(`entries?from=${daysAgo(7)}`))
        .set(bearer(aliceToken))
        .expect(200);
      expect(listed.body).toMatchObject({ from: daysAgo(7), to: parisToday(), totalMinutes: 90 });
      expect(listed.body.items.map((e: Json) => e.id)).toEqual([first.body.entry.id]);

      const id = first.body.entry.id as string;
      const changed = await t
        .http()
        .patch(me(`entries/${id}`))
        .set(bearer(aliceToken))
        .send({ durationMinutes: 120, comment: null, billable: false })
        .expect(200);
      expect(changed.body.entry).toMatchObject({
        durationMinutes: 120,
        comment: null,
        billable: false,
      });
      const bobToken = await tokenOf(base, bob);
      await t
        .http()
        .patch(me(`entries/${id}`))
        .set(bearer(bobToken))
        .send({ durationMinutes: 1 })
        .expect(404);
      await t
        .http()
        .delete(me(`entries/${id}`))
        .set(bearer(bobToken))
        .expect(404);
      const deleted = await t
        .http()
        .delete(me(`entries/${id}`))
        .set(bearer(aliceToken))
        .expect(200);
      expect(deleted.body).toMatchObject({ deleted: true, dayTotalMinutes: 0 });
      await t
        .http()
        .delete(me(`entries/${id}`))
        .set(bearer(aliceToken))
        .expect(404);
    });

    it('needs a person (a GPT key is refused) and the write scope to book', async () => {
      const key = await createGptKey(t);
      const gpt = await t.http().get(me('customers')).set(bearer(key.plaintext)).expect(403);
      expect(gpt.body).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/OAuth/),
      });
      const readOnly = await tokenOf(base, alice, 'timesheets:read');
      await t.http().get(me('customers')).set(bearer(readOnly)).expect(200);
      const refused = await t
        .http()
        .post(me('entries'))
        .set(bearer(readOnly))
        .send({ date: daysAgo(1), activity: 'Recette', kind: 'Réunion', durationMinutes: 30 })
        .expect(403);
      expect(refused.body.code).toBe('INSUFFICIENT_SCOPE');
      const quotesOnly = await tokenOf(base, alice, 'quotes:read');
      await t.http().get(me('customers')).set(bearer(quotesOnly)).expect(403);
      expect(await countEntries(t, alice.id)).toBe(0);
    });
  });

  describe('archiving keeps booked time', () => {
    it('refuses to delete a level with time (409), archives it, and freezes its entries', async () => {
      const carol = await createPerson(t, 'Carol Archive');
      const customer = (
        await t
          .http()
          .post(api('customers'))
          .set(staff())
          .send({ name: 'Archivé & Co' })
          .expect(201)
      ).body;
      const project = (
        await t
          .http()
          .post(api('projects'))
          .set(staff())
          .send({ customerId: customer.id, name: 'Ancien site' })
          .expect(201)
      ).body;
      const phase = (
        await t
          .http()
          .post(api('phases'))
          .set(staff())
          .send({ projectId: project.id, name: 'Run' })
          .expect(201)
      ).body;
      await t
        .http()
        .post(api('activities'))
        .set(staff())
        .send({ phaseId: phase.id, name: 'Support' })
        .expect(201);
      await t
        .http()
        .post(api(`projects/${project.id}/members`))
        .set(staff())
        .send({ userId: carol.id })
        .expect(200);
      const carolToken = await tokenOf(base, carol);
      const entry = (
        await t
          .http()
          .post('/api/timesheets/me/entries')
          .set(bearer(carolToken))
          .send({ date: daysAgo(2), activity: 'Support', kind: 'Déplacement', durationMinutes: 45 })
          .expect(201)
      ).body.entry;

      for (const path of [
        `projects/${project.id}`,
        `customers/${customer.id}`,
        `phases/${phase.id}`,
      ]) {
        const refused = await t.http().delete(api(path)).set(staff()).expect(409);
        expect(refused.body.message).toMatch(/archive it instead/);
      }
      await t
        .http()
        .delete(api(`kinds/${h.kinds.travel.id}`))
        .set(staff())
        .expect(409);
      // The database refuses it too (RESTRICT), whoever asks.
      await expect(
        query(t, 'DELETE FROM timesheet_projects WHERE id = $1', [project.id]),
      ).rejects.toThrow(/foreign key/);

      const archived = await t
        .http()
        .patch(api(`projects/${project.id}`))
        .set(staff())
        .send({ archived: true })
        .expect(200);
      expect(archived.body.archived).toBe(true);
      const mine = await t
        .http()
        .get('/api/timesheets/me/projects')
        .set(bearer(carolToken))
        .expect(200);
      expect(mine.body.items).toEqual([]);
      const listed = await t
        .http()
        .get(`/api/timesheets/me/entries?from=${daysAgo(5)}`)
        .set(bearer(carolToken))
        .expect(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: entry.id, projectArchived: true }),
      ]);
      const booking = await t
        .http()
        .post('/api/timesheets/me/entries')
        .set(bearer(carolToken))
        .send({ date: daysAgo(1), activity: 'Support', kind: 'Déplacement', durationMinutes: 45 })
        .expect(409);
      expect(booking.body.message).toMatch(/Ancien site .*archived/);
      await t
        .http()
        .patch(`/api/timesheets/me/entries/${entry.id}`)
        .set(bearer(carolToken))
        .send({ durationMinutes: 60 })
        .expect(409);
      await t
        .http()
        .delete(`/api/timesheets/me/entries/${entry.id}`)
        .set(bearer(carolToken))
        .expect(409);
      expect(await countEntries(t, carol.id)).toBe(1);
    });

    it('deletes a level without time, with what is under it', async () => {
      const project = (
        await t
          .http()
          .post(api('projects'))
          .set(staff())
          .send({ customerId: h.customers.martin.id, name: 'Brouillon' })
          .expect(201)
      ).body;
      await t
        .http()
        .post(api('phases'))
        .set(staff())
        .send({ projectId: project.id, name: 'Idée' })
        .expect(201);
      await t
        .http()
        .delete(api(`projects/${project.id}`))
        .set(staff())
        .expect(204);
      await t
        .http()
        .get(api(`projects/${project.id}`))
        .set(staff())
        .expect(404);
      const phases = await query(t, 'SELECT id FROM timesheet_phases WHERE project_id = $1', [
        project.id,
      ]);
      expect(phases).toEqual([]);
    });
  });

  describe('the person’s time zone', () => {
    it('decides today: a day already begun in Kiritimati (UTC+14) can be booked there', async () => {
      const dana = await loginAs(t, 'user');
      const settings = await t
        .http()
        .get('/api/timesheets/me/settings')
        .set(bearer(dana.token))
        .expect(200);
      expect(settings.body).toEqual({ timeZone: 'Europe/Paris', today: parisToday() });
      const bad = await t
        .http()
        .put('/api/timesheets/me/settings')
        .set(bearer(dana.token))
        .send({ timeZone: 'Mars/Olympus' })
        .expect(400);
      expect(bad.body.details[0].field).toBe('timeZone');
      const set = await t
        .http()
        .put('/api/timesheets/me/settings')
        .set(bearer(dana.token))
        .send({ timeZone: 'Pacific/Kiritimati' })
        .expect(200);
      const kiritimati = todayIn('Pacific/Kiritimati');
      expect(set.body).toEqual({ timeZone: 'Pacific/Kiritimati', today: kiritimati });

      await t
        .http()
        .post(api(`projects/${h.projects.intranet.id}/members`))
        .set(staff())
        .send({ userId: dana.user.id })
        .expect(200);
      const danaToken = await tokenOf(base, { id: dana.user.id, name: 'Dana', ...dana });
      const entry = await t
        .http()
        .post('/api/timesheets/me/entries')
        .set(bearer(danaToken))
        .send({ date: kiritimati, activity: 'Recette', kind: 'Réunion', durationMinutes: 30 })
        .expect(201);
      expect(entry.body.today).toBe(kiritimati);
      const future = await t
        .http()
        .post('/api/timesheets/me/entries')
        .set(bearer(danaToken))
        .send({ date: '2999-01-01', activity: 'Recette', kind: 'Réunion', durationMinutes: 30 })
        .expect(400);
      expect(future.body.message).toMatch(/after today .*Pacific\/Kiritimati/);
    });
  });

  it('lists everyone’s entries for staff, by person and range', async () => {
    const bobToken = await tokenOf(base, bob);
    await t
      .http()
      .post('/api/timesheets/me/entries')
      .set(bearer(bobToken))
      .send({ date: daysAgo(3), activity: 'dev', kind: 'Réunion', durationMinutes: 60 })
      .expect(201);
    const listed = await t
      .http()
      .get(api(`entries?from=${daysAgo(10)}&to=${parisToday()}&userId=${bob.id}`))
      .set(staff())
      .expect(200);
    expect(listed.body).toEqual({
      items: [expect.objectContaining({ userId: bob.id, project: 'Appli', durationMinutes: 60 })],
      hasMore: false,
    });
    await t.http().get(api('entries?from=2026-01-02&to=2026-01-01')).set(staff()).expect(400);
  });
});
