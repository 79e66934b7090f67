import type { Client } from '@modelcontextprotocol/client';
import { freePort } from './support/spawn';
import { createGptKey, query, startTestApp, TestApp } from './support/test-app';
import {
  buildHierarchy,
  callTool,
  countEntries,
  createPerson,
  daysAgo,
  type Hierarchy,
  mcpClient,
  parisToday,
  type Person,
  tokenOf,
} from './support/timesheets';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TIMESHEET_TOOLS = [
  'createTimeEntry',
  'deleteTimeEntry',
  'listActivities',
  'listCustomers',
  'listKinds',
  'listMyTimeEntries',
  'listPhases',
  'listProjects',
  'mySummary',
  'updateTimeEntry',
];

/**
 * The timesheet actions as MCP tools, called through the official client with person A's
 * OAuth token: A sees A's projects only, B's entries are not found, booking needs the write
 * scope, two concurrent bookings cannot pass 24 h on a day, and every bad input is a tool
 * error that stores nothing.
 */
describe('Timesheets as MCP tools (OAuth, acting as the person)', () => {
  let t: TestApp;
  let base: string;
  let alice: Person;
  let bob: Person;
  let h: Hierarchy;
  let a: Client;
  let b: Client;
  const clients: Client[] = [];

  const connect = async (token: string) => {
    const client = await mcpClient(base, token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ listen: true, port, env: { APP_URL: base } });
    alice = await createPerson(t, 'Alice Martin');
    bob = await createPerson(t, 'Bob Durand');
    h = await buildHierarchy(t, { alice, bob });
    a = await connect(await tokenOf(base, alice));
    b = await connect(await tokenOf(base, bob));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
  });

  const ok = async (client: Client, name: string, args: Json = {}) => {
    const result = await callTool(client, name, args);
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  const fails = async (client: Client, name: string, args: Json = {}) => {
    const result = await callTool(client, name, args);
    if (result.ok) throw new Error(`${name} succeeded: ${JSON.stringify(result.value)}`);
    return result.error;
  };
  const booking = (overrides: Json = {}) => ({
    date: daysAgo(1),
    activity: 'Maquettes',
    kind: 'Développement',
    durationMinutes: 60,
    ...overrides,
  });

  describe('where they appear', () => {
    it('are tools for a person’s token, left out of the ChatGPT Action schema and of GPT keys', async () => {
      const { tools } = await a.listTools();
      expect(
        tools
          .map((x) => x.name)
          .filter((n) => TIMESHEET_TOOLS.includes(n))
          .sort(),
      ).toEqual(TIMESHEET_TOOLS);
      for (const tool of tools.filter((x) => TIMESHEET_TOOLS.includes(x.name))) {
        // The Action schema's checks do not see these tools: the same limits, checked here.
        expect(tool.description!.length).toBeLessThanOrEqual(300);
        expect(tool.title).toMatch(/\S/);
        expect(tool.outputSchema).toMatchObject({ type: 'object' });
        expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
        expect(JSON.stringify(tool)).not.toMatch(/#\/components\/|"nullable"|"example"/);
      }
      const create = tools.find((x) => x.name === 'createTimeEntry')!;
      expect(create.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
      expect(create._meta).toEqual({
        securitySchemes: [{ type: 'oauth2', scopes: ['timesheets:write'] }],
      });
      expect(tools.find((x) => x.name === 'deleteTimeEntry')!.annotations!.destructiveHint).toBe(
        true,
      );

      const schema = (await (await fetch(`${base}/api/gpt/openapi`)).json()) as Json;
      expect(Object.keys(schema.paths).filter((p) => p.includes('timesheets'))).toEqual([]);
      const docs = (await t.http().get('/docs-json').expect(200)).body as Json;
      expect(docs.paths['/api/timesheets/me/entries'].post.operationId).toBe('createTimeEntry');

      const key = await createGptKey(t, { rateLimitPerHour: 1_000 });
      const gpt = await connect(key.plaintext);
      const gptTools = (await gpt.listTools()).tools.map((x) => x.name);
      expect(gptTools.filter((n) => TIMESHEET_TOOLS.includes(n))).toEqual([]);
      expect(gptTools).toContain('getDevis');
      const refused = await fails(gpt, 'listCustomers');
      expect(refused).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/OAuth/) });
    });
  });

  describe('person A sees A’s projects only', () => {
    it('lists customers, projects, phases, activities and kinds, with today in their zone', async () => {
      const customers = await ok(a, 'listCustomers');
      expect(customers).toEqual({
        today: parisToday(),
        timeZone: 'Europe/Paris',
        items: [{ id: h.customers.dupont.id, name: 'Dupont SARL' }],
      });
      const projects = await ok(a, 'listProjects', { customer: 'dupont' });
      expect(projects.items.map((p: Json) => p.name)).toEqual(['Intranet', 'Site web']);
      const phases = await ok(a, 'listPhases', { project: 'SITE WEB' });
      expect(phases.items).toEqual([
        expect.objectContaining({
          name: 'Conception',
          project: 'Site web',
          customer: 'Dupont SARL',
        }),
      ]);
      const activities = await ok(a, 'listActivities', { phase: 'conception', project: 'site' });
      expect(activities.items.map((x: Json) => x.name)).toEqual(['Ateliers', 'Maquettes']);
      const projectKinds = await ok(a, 'listKinds', { project: 'Site web' });
      expect(projectKinds.items.map((k: Json) => k.name)).toEqual(['Développement', 'Réunion']);
      const activityKinds = await ok(a, 'listKinds', { project: 'Site web', activity: 'maquette' });
      expect(activityKinds).toMatchObject({
        project: { name: 'Site web' },
        activity: { name: 'Maquettes', phase: 'Conception' },
        items: [{ id: h.kinds.dev.id, name: 'Développement' }],
      });
    });

    it('finds nothing of B’s, by name or by id', async () => {
      expect(await fails(a, 'listProjects', { customer: 'Martin' })).toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('listCustomers'),
      });
      expect((await fails(a, 'listPhases', { project: h.projects.appli.id })).code).toBe(
        'NOT_FOUND',
      );
      expect((await fails(a, 'listActivities', { phase: 'Réalisation' })).code).toBe('NOT_FOUND');
      expect(
        (await fails(a, 'createTimeEntry', booking({ activity: h.activities.appliDev.id }))).code,
      ).toBe('NOT_FOUND');
    });

    it('asks which one when a name matches several', async () => {
      const error = await fails(a, 'listActivities', { phase: 'Conception' });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual([
        {
          field: 'phase',
          messages: [expect.stringMatching(/Intranet.*Site web|Site web.*Intranet/)],
        },
      ]);
    });
  });

  describe('time entries', () => {
    it('books once per idempotency key, as A, and refuses the key for another entry', async () => {
      const before = await countEntries(t);
      const args = booking({ durationMinutes: 90, idempotencyKey: 'mcp-a-1', comment: 'Accueil' });
      const first = await ok(a, 'createTimeEntry', args);
      expect(first).toMatchObject({
        today: parisToday(),
        replayed: false,
        dayTotalMinutes: 90,
        entry: { activity: 'Maquettes', kind: 'Développement', duration: '1 h 30' },
      });
      const retry = await ok(a, 'createTimeEntry', args);
      expect(retry).toMatchObject({ replayed: true, entry: { id: first.entry.id } });
      expect(await countEntries(t)).toBe(before + 1);
      const reused = await fails(a, 'createTimeEntry', { ...args, durationMinutes: 30 });
      expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const [row] = await query<Json>(
        t,
        'SELECT user_id, oauth_client_id FROM timesheet_entries WHERE id = $1',
        [first.entry.id],
      );
      expect(row.user_id).toBe(alice.id);
      expect(row.oauth_client_id).toMatch(/\S/);
    });

    it('lists, changes and deletes A’s own entries; B’s are not found', async () => {
      const bobs = await ok(b, 'createTimeEntry', {
        date: daysAgo(2),
        activity: 'Dev',
        kind: 'Réunion',
        durationMinutes: 45,
      });
      const mine = await ok(a, 'listMyTimeEntries', { from: daysAgo(7) });
      expect(mine.items.every((e: Json) => e.project !== 'Appli')).toBe(true);
      expect(mine.totalMinutes).toBe(90);
      const bobId = bobs.entry.id as string;
      expect(await fails(a, 'updateTimeEntry', { id: bobId, durationMinutes: 1 })).toMatchObject({
        code: 'NOT_FOUND',
        message: 'Time entry not found',
      });
      expect((await fails(a, 'deleteTimeEntry', { id: bobId })).code).toBe('NOT_FOUND');

      const own = mine.items[0].id as string;
      const changed = await ok(a, 'updateTimeEntry', {
        id: own,
        activity: 'Ateliers',
        kind: 'Réunion',
        date: daysAgo(2),
      });
      expect(changed.entry).toMatchObject({
        activity: 'Ateliers',
        kind: 'Réunion',
        date: daysAgo(2),
      });
      const notAllowed = await fails(a, 'updateTimeEntry', { id: own, activity: 'Maquettes' });
      expect(notAllowed.details![0].field).toBe('kind');
      const deleted = await ok(a, 'deleteTimeEntry', { id: own });
      expect(deleted).toMatchObject({ deleted: true, entry: { id: own } });
      expect(await countEntries(t, bob.id)).toBe(1);
    });

    it('sums hours per day and per week and project', async () => {
      const monday = '2026-11-02';
      for (const [date, activity, kind, minutes] of [
        ['2026-11-02', 'Maquettes', 'Développement', 240],
        ['2026-11-02', 'Recette', 'Réunion', 60],
        ['2026-11-04', 'Recette', 'Déplacement', 90],
        ['2026-11-10', 'Ateliers', 'Réunion', 120],
      ] as const) {
        await ok(a, 'createTimeEntry', { date, activity, kind, durationMinutes: minutes });
      }
      const days = await ok(a, 'mySummary', { from: monday, to: '2026-11-15' });
      expect(days).toMatchObject({ groupBy: 'day', totalMinutes: 510, totalHours: 8.5 });
      expect(days.periods.map((p: Json) => [p.period, p.minutes])).toEqual([
        ['2026-11-02', 300],
        ['2026-11-04', 90],
        ['2026-11-10', 120],
      ]);
      expect(days.periods[0].projects.map((p: Json) => [p.project, p.hours])).toEqual([
        ['Site web', 4],
        ['Intranet', 1],
      ]);
      const weeks = await ok(a, 'mySummary', { from: monday, to: '2026-11-15', groupBy: 'week' });
      expect(weeks.periods.map((p: Json) => [p.period, p.minutes])).toEqual([
        ['2026-11-02', 390],
        ['2026-11-09', 120],
      ]);
      expect(weeks.projects).toEqual([
        expect.objectContaining({ project: 'Site web', minutes: 360 }),
        expect.objectContaining({ project: 'Intranet', minutes: 150 }),
      ]);
      const thisWeek = await ok(a, 'mySummary');
      expect(thisWeek.to).toBe(parisToday());
    });
  });

  describe('the write scope', () => {
    it('is needed for createTimeEntry: a read-only token does not see it and is refused', async () => {
      const reader = await connect(await tokenOf(base, alice, 'timesheets:read'));
      const names = (await reader.listTools()).tools.map((x) => x.name);
      expect(names).toContain('listMyTimeEntries');
      expect(names).not.toContain('createTimeEntry');
      const before = await countEntries(t);
      const result = (await reader.callTool({
        name: 'createTimeEntry',
        arguments: booking(),
      })) as Json;
      expect(result.isError).toBe(true);
      expect(JSON.parse(result.content[0].text).error.code).toBe('INSUFFICIENT_SCOPE');
      expect(result._meta['mcp/www_authenticate'][0]).toMatch(/scope="timesheets:write"/);
      expect(await countEntries(t)).toBe(before);
    });
  });

  describe('24 hours a day at most', () => {
    it('lets exactly one of two concurrent bookings through when both would pass 24 h', async () => {
      const day = '2026-10-01';
      await ok(a, 'createTimeEntry', booking({ date: day, durationMinutes: 1_380 }));
      const a2 = await connect(await tokenOf(base, alice));
      const results = await Promise.all(
        [a, a2].map((client) =>
          callTool(client, 'createTimeEntry', booking({ date: day, durationMinutes: 60 })),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok)!;
      expect(refused.ok || refused.error).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/24 h .* \(nothing left that day\)/),
      });
      const [total] = await query<{ minutes: number }>(
        t,
        'SELECT sum(duration_minutes)::int AS minutes FROM timesheet_entries WHERE user_id = $1 AND date = $2',
        [alice.id, day],
      );
      expect(total.minutes).toBe(1_440);
    });

    it('holds on an empty day too, and for a change that would pass it', async () => {
      const day = '2026-10-02';
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          callTool(a, 'createTimeEntry', booking({ date: day, durationMinutes: 800 })),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const small = await ok(a, 'createTimeEntry', booking({ date: day, durationMinutes: 600 }));
      const grown = await fails(a, 'updateTimeEntry', { id: small.entry.id, durationMinutes: 700 });
      expect(grown.code).toBe('CONFLICT');
      const moved = await fails(a, 'updateTimeEntry', {
        id: small.entry.id,
        date: '2026-10-01',
      });
      expect(moved.code).toBe('CONFLICT');
    });
  });

  describe('bad input on every tool is a tool error and stores nothing', () => {
    let before: number;
    beforeAll(async () => {
      before = await countEntries(t);
    });
    afterAll(async () => {
      expect(await countEntries(t)).toBe(before);
    });

    const expectField = async (name: string, args: Json, field: string) => {
      const error = await fails(a, name, args);
      expect({ name, args, code: error.code }).toEqual({ name, args, code: 'VALIDATION_FAILED' });
      expect(error.details!.map((d) => d.field)).toContain(field);
      return error;
    };

    it('unknown names', async () => {
      for (const [name, args] of [
        ['listProjects', { customer: 'Inconnu' }],
        ['listPhases', { project: 'Inconnu' }],
        ['listActivities', { phase: 'Inconnu' }],
        ['listKinds', { project: 'Inconnu' }],
        ['listKinds', { project: 'Site web', activity: 'Inconnue' }],
        ['listMyTimeEntries', { project: 'Inconnu' }],
        ['createTimeEntry', booking({ activity: 'Inconnue' })],
        ['createTimeEntry', booking({ kind: 'Sieste' })],
        ['createTimeEntry', booking({ project: 'Inconnu' })],
        ['updateTimeEntry', { id: '00000000-0000-4000-8000-000000000000', durationMinutes: 5 }],
        ['deleteTimeEntry', { id: 'not-a-uuid' }],
      ] as const) {
        const error = await fails(a, name, args);
        expect({ name, args, code: error.code }).toEqual({ name, args, code: 'NOT_FOUND' });
      }
      const kind = await fails(a, 'createTimeEntry', booking({ kind: 'Réunion' }));
      expect(kind.details).toEqual([
        {
          field: 'kind',
          messages: [expect.stringMatching(/Réunion is not allowed on Maquettes.*Développement/)],
        },
      ]);
    });

    it('bad dates', async () => {
      for (const date of [
        '2026-02-30',
        'hier',
        "aujourd'hui",
        '02/12/2026',
        '2026-12-2',
        '1999-12-31',
        20261201,
      ]) {
        const error = await expectField('createTimeEntry', booking({ date }), 'date');
        expect(error.details![0].messages[0]).toMatch(/YYYY-MM-DD/);
      }
      const future = await expectField('createTimeEntry', booking({ date: '2999-01-01' }), 'date');
      expect(future.message).toContain(`today (${parisToday()} in Europe/Paris)`);
      await expectField('listMyTimeEntries', { from: 'hier' }, 'from');
      await expectField('listMyTimeEntries', { from: '2026-11-10', to: '2026-11-01' }, 'from');
      await expectField('listMyTimeEntries', { from: '2024-01-01', to: '2026-01-01' }, 'to');
      await expectField('mySummary', { to: '2026-13-01' }, 'to');
      await expectField('mySummary', { groupBy: 'month' }, 'groupBy');
      const [entry] = (await ok(a, 'listMyTimeEntries', { from: '2026-10-01', to: '2026-10-01' }))
        .items as Json[];
      await expectField('updateTimeEntry', { id: entry.id, date: '2026-02-29' }, 'date');
    });

    it('negative, zero, fractional, huge or textual durations', async () => {
      for (const durationMinutes of [-30, 0, 1.5, 1_441, 1e9, '90', null]) {
        await expectField('createTimeEntry', booking({ durationMinutes }), 'durationMinutes');
      }
      const [entry] = (await ok(a, 'listMyTimeEntries', { from: '2026-10-01', to: '2026-10-01' }))
        .items as Json[];
      await expectField(
        'updateTimeEntry',
        { id: entry.id, durationMinutes: -1 },
        'durationMinutes',
      );
    });

    it('missing, unknown or malformed fields', async () => {
      await expectField(
        'createTimeEntry',
        { date: daysAgo(1), kind: 'Dév', durationMinutes: 5 },
        'activity',
      );
      await expectField('createTimeEntry', booking({ sneaky: true }), 'sneaky');
      await expectField('createTimeEntry', booking({ billable: 'yes' }), 'billable');
      await expectField('createTimeEntry', booking({ comment: 'x'.repeat(501) }), 'comment');
      await expectField('createTimeEntry', booking({ idempotencyKey: 'é' }), 'idempotencyKey');
      await expectField('listPhases', {}, 'project');
      await expectField('listActivities', { phase: '' }, 'phase');
      await expectField('listCustomers', { search: 'x'.repeat(200) }, 'search');
      await expectField('listMyTimeEntries', { limit: 10_000 }, 'limit');
      const [entry] = (await ok(a, 'listMyTimeEntries', { from: '2026-10-01', to: '2026-10-01' }))
        .items as Json[];
      await expectField('updateTimeEntry', { id: entry.id, project: 'Site web' }, 'activity');
      const noId = await fails(a, 'deleteTimeEntry', {});
      expect(noId.details).toEqual([{ field: 'id', messages: ['id should not be empty'] }]);
    });
  });
});
