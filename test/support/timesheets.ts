import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { validateInput } from '../../src/common/http/validate-input';
import { addDays, todayIn } from '../../src/timesheets/calendar';
import { CreateTimeEntryDto } from '../../src/timesheets/dto/time-entry.dto';
import { TimesheetsService } from '../../src/timesheets/timesheets.service';
import { UsersService } from '../../src/users/users.service';
import { signIn } from './oauth-flow';
import { bearer, loginAs, query, type TestApp } from './test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TIMESHEET_SCOPES = 'timesheets:read timesheets:write';

/** Today and earlier days in Europe/Paris (the default time zone), as the app computes them. */
export const parisToday = () => todayIn('Europe/Paris');
export const daysAgo = (n: number) => addDays(parisToday(), -n);

export interface Person {
  id: string;
  email: string;
  password: string;
  name: string;
}

export async function createPerson(t: TestApp, name: string): Promise<Person> {
  const slug = name.toLowerCase().replace(/\W+/g, '-');
  const email = `${slug}-${Math.random().toString(36).slice(2, 8)}@test.passerelle`;
  const password = `${slug}-password-123456`;
  const { user } = await t.get(UsersService).create({ email, password, role: 'user', name });
  return { id: user.id, email, password, name };
}

/** An OAuth access token of that person for the MCP server (and the assistant REST routes). */
export async function tokenOf(base: string, person: Person, scope = TIMESHEET_SCOPES) {
  return (await signIn(base, person, { scope })).tokens.access_token;
}

export async function mcpClient(base: string, accessToken: string): Promise<Client> {
  const client = new Client(
    { name: 'timesheets-e2e', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: bearer(accessToken) },
    }),
  );
  return client;
}

/** A tool call's result: the structured content, or the tool error. */
export async function callTool(client: Client, name: string, args: Json = {}) {
  const result = (await client.callTool({ name, arguments: args })) as Json;
  if (result.isError) {
    return {
      ok: false as const,
      error: JSON.parse(result.content[0].text).error as {
        code: string;
        message: string;
        details?: { field: string; messages: string[] }[];
      },
    };
  }
  return { ok: true as const, value: result.structuredContent as Json };
}

export const countEntries = async (t: TestApp, userId?: string) =>
  Number(
    (
      await query<{ n: string }>(
        t,
        userId
          ? 'SELECT count(*) AS n FROM timesheet_entries WHERE user_id = $1'
          : 'SELECT count(*) AS n FROM timesheet_entries',
        userId ? [userId] : [],
      )
    )[0].n,
  );

/**
 * The hierarchy both suites book on, built by staff through REST:
 * - kinds Développement, Réunion, Déplacement;
 * - Dupont SARL → Site web (Développement, Réunion) → Conception → Maquettes (Développement
 *   only) and Ateliers; Dupont SARL → Intranet (all kinds) → Conception → Recette;
 * - Martin & Fils → Appli → Réalisation → Dev.
 * Alice is assigned to Site web and Intranet, Bob to Appli.
 */
export async function buildHierarchy(t: TestApp, people: { alice: Person; bob: Person }) {
  const staff = (await loginAs(t, 'staff')).token;
  const post = async (path: string, body: Json) =>
    (await t.http().post(`/api/timesheets/${path}`).set(bearer(staff)).send(body).expect(201))
      .body as Json;
  const dev = await post('kinds', { name: 'Développement' });
  const meeting = await post('kinds', { name: 'Réunion' });
  const travel = await post('kinds', { name: 'Déplacement' });
  const dupont = await post('customers', { name: 'Dupont SARL' });
  const martin = await post('customers', { name: 'Martin & Fils' });
  const site = await post('projects', {
    customerId: dupont.id,
    name: 'Site web',
    kindIds: [dev.id, meeting.id],
  });
  const intranet = await post('projects', { customerId: dupont.id, name: 'Intranet' });
  const appli = await post('projects', { customerId: martin.id, name: 'Appli' });
  const siteDesign = await post('phases', { projectId: site.id, name: 'Conception' });
  const intranetDesign = await post('phases', { projectId: intranet.id, name: 'Conception' });
  const appliBuild = await post('phases', { projectId: appli.id, name: 'Réalisation' });
  const mockups = await post('activities', {
    phaseId: siteDesign.id,
    name: 'Maquettes',
    kindIds: [dev.id],
  });
  const workshops = await post('activities', { phaseId: siteDesign.id, name: 'Ateliers' });
  const acceptance = await post('activities', { phaseId: intranetDesign.id, name: 'Recette' });
  const appliDev = await post('activities', { phaseId: appliBuild.id, name: 'Dev' });
  for (const [project, person] of [
    [site, people.alice],
    [intranet, people.alice],
    [appli, people.bob],
  ] as const) {
    await t
      .http()
      .post(`/api/timesheets/projects/${project.id}/members`)
      .set(bearer(staff))
      .send({ userId: person.id })
      .expect(200);
  }
  return {
    staff,
    kinds: { dev, meeting, travel },
    customers: { dupont, martin },
    projects: { site, intranet, appli },
    phases: { siteDesign, intranetDesign, appliBuild },
    activities: { mockups, workshops, acceptance, appliDev },
  };
}

export type Hierarchy = Awaited<ReturnType<typeof buildHierarchy>>;

/** Books time as the person through the service (no OAuth round trip), as an assistant would. */
export async function book(
  t: TestApp,
  person: Person,
  entry: {
    date: string;
    activity: string;
    kind: string;
    durationMinutes: number;
    project?: string;
    comment?: string;
    billable?: boolean;
  },
) {
  const dto = await validateInput(CreateTimeEntryDto, entry);
  return (await t.get(TimesheetsService).createEntry({ userId: person.id, clientId: 'e2e' }, dto))
    .body.entry;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
