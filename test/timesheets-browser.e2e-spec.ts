import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { addDays, weekStart } from '../src/timesheets/calendar';
import { UsersService } from '../src/users/users.service';
import { launchChromium } from './support/browser';
import { ROOT } from './support/paths';
import { startTestApp, TestApp } from './support/test-app';
import {
  book,
  buildHierarchy,
  createPerson,
  daysAgo,
  type Hierarchy,
  parseCsv,
  type Person,
} from './support/timesheets';

const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The back-office's timesheet week view and CSV export in Debian's chromium. */
describe('Timesheets week view in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let h: Hierarchy;
  let alice: Person;
  let bob: Person;
  const pageErrors: string[] = [];
  const offsite: string[] = [];
  const staffUser = { email: 'week-staff@test.passerelle', password: 'staff-password-123456' };
  // Last week (always fully in the past): Monday, Tuesday and Friday.
  const monday = addDays(weekStart(daysAgo(0)), -7);
  const [mon, tue, fri] = [monday, addDays(monday, 1), addDays(monday, 4)];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({
      listen: true,
      env: {
        ADMIN_JS_TMP_DIR: join(tmpdir(), 'passerelle-test-adminjs'),
        ADMIN_JS_SKIP_BUNDLE: 'false',
      },
    });
    await t.get(UsersService).create({ ...staffUser, role: 'staff', name: 'Sam Staff' });
    alice = await createPerson(t, 'Alice Martin');
    bob = await createPerson(t, 'Bob Durand');
    h = await buildHierarchy(t, { alice, bob });
    const entries = [
      [alice, mon, 'Maquettes', 'Développement', 240],
      [alice, mon, 'Recette', 'Réunion', 30],
      [alice, tue, 'Ateliers', 'Réunion', 90],
      [bob, tue, 'Dev', 'Développement', 420],
      [bob, fri, 'Dev', 'Déplacement', 45],
    ] as const;
    for (const [person, date, activity, kind, durationMinutes] of entries) {
      await book(t, person, { date, activity, kind, durationMinutes });
    }
    // Another week, which the view must leave out.
    await book(t, bob, {
      date: addDays(mon, -7),
      activity: 'Dev',
      kind: 'Réunion',
      durationMinutes: 600,
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(t.url) && !url.startsWith('data:') && !url.startsWith('blob:')) {
        offsite.push(url);
      }
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('staff sign in and read last week’s hours per project and day', async () => {
    await page.goto(`${t.url}/admin/login`);
    await page.fill('input[name=email]', staffUser.email);
    await page.fill('input[name=password]', staffUser.password);
    await page.click('form button');
    await page.waitForURL(/\/admin\/?$/);

    await page.goto(`${t.url}/admin/pages/timesheetWeek?week=${tue}`);
    await page.waitForSelector('[data-testid=timesheet-week]');
    await page.waitForSelector('[data-testid=chart-week-hours] rect');
    expect(await page.getAttribute('[data-testid=timesheet-week]', 'data-week')).toBe(mon);
    const text = (id: string) => page.textContent(`[data-testid="${id}"]`);
    expect(await text('week-total')).toBe('13.75');
    const { site, intranet, appli } = h.projects;
    expect(await text(`hours-${site.id}`)).toBe('5.5');
    expect(await text(`hours-${site.id}-0`)).toBe('4');
    expect(await text(`hours-${site.id}-1`)).toBe('1.5');
    expect(await text(`hours-${intranet.id}`)).toBe('0.5');
    expect(await text(`hours-${appli.id}`)).toBe('7.75');
    expect(await text(`hours-${appli.id}-4`)).toBe('0.75');
    expect(await text('day-total-1')).toBe('8.5');
    expect(await text(`person-${alice.id}`)).toBe('6');
    expect(await text(`person-${bob.id}`)).toBe('7.75');
    // Most hours first: Appli, Site web, Intranet; one bar per project and day with time.
    const order = await page.$$eval('[data-testid=week-project]', (rows) =>
      rows.map((r) => r.getAttribute('data-project-id')),
    );
    expect(order).toEqual([appli.id, site.id, intranet.id]);
    expect(await page.locator('[data-testid=chart-week-hours] rect').count()).toBe(5);
    await page.screenshot({ path: join(ARTIFACTS, 'timesheets-week.png'), fullPage: true });

    await page.click('[data-testid=week-prev]');
    await page.waitForSelector(`[data-testid=timesheet-week][data-week="${addDays(mon, -7)}"]`);
    expect(await text('week-total')).toBe('10');
  });

  it('downloads the week’s entries of a project as CSV from the export form', async () => {
    await page.goto(
      `${t.url}/admin/resources/timesheet-entries/actions/exportCsv?filters.date~~from=${mon}&filters.date~~to=${addDays(mon, 6)}&filters.projectId=${h.projects.site.id}`,
    );
    await page.waitForSelector('[data-testid=export-form]');
    expect(await page.inputValue('#field-from')).toBe(mon);
    expect(await page.inputValue('#field-projectId')).toBe(h.projects.site.id);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=action-submit]'),
    ]);
    expect(download.suggestedFilename()).toBe(`timesheets-${mon}-${addDays(mon, 6)}.csv`);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8').slice(1));
    expect(rows.slice(1).map((r) => [r[0], r[1], r[6], r[8]])).toEqual([
      [mon, 'Alice Martin', 'Maquettes', '240'],
      [tue, 'Alice Martin', 'Ateliers', '90'],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'timesheets-export.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    expect(offsite).toEqual([]);
  });
});
