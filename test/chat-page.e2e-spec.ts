import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import {
  DEFAULT_CHAT_WELCOME_EN,
  DEFAULT_CHAT_WELCOME_FR,
} from '../migrations/1765238400000-ChatRatingAndWelcomeLanguages';
import { mockChatReply } from '../src/chat/chat-assistant.service';
import { ROOT } from './support/paths';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Browser-side expressions as strings: this file is type-checked without the DOM library. */
const STORED_SESSION_ID = `JSON.parse(localStorage.getItem('passerelle.supportChat')).sessionId`;

describe('The support chat page in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { CHAT_SSE_HEARTBEAT_MS: '1000' } });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    // The first tests read the page's English text (the French default is tested below).
    page = await browser.newPage({ locale: 'en-US' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      // HTTP errors the test provokes (400) and the absent favicon are logged by the browser.
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text()))
        pageErrors.push(msg.text());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const messages = () =>
    page.$$eval('#messages li', (items) =>
      items.map((li) => ({
        sequence: Number(li.getAttribute('data-sequence')),
        role: li.getAttribute('data-role'),
        text: li.querySelector('.msg__text')?.textContent ?? '',
      })),
    );
  const send = async (text: string) => {
    await page.fill('#input', text);
    await page.click('#send');
  };

  it('shows the welcome message, sends a message and shows the mock reply', async () => {
    await page.goto(`${t.url}/support/chat`);
    await page.waitForSelector('#messages li[data-sequence="1"]');
    expect((await messages())[0]).toMatchObject({ sequence: 1, role: 'assistant' });
    await page.waitForFunction(`/live/.test(document.getElementById('status').textContent)`);

    await send('Where is my quote?');
    await page.waitForSelector('#messages li[data-sequence="3"]');
    expect(await messages()).toEqual([
      expect.objectContaining({ sequence: 1 }),
      { sequence: 2, role: 'user', text: 'Where is my quote?' },
      { sequence: 3, role: 'assistant', text: mockChatReply('Where is my quote?') },
    ]);
    expect(await page.inputValue('#input')).toBe('');
  });

  it('shows a staff reply without reloading, once (SSE and the POST answer do not duplicate)', async () => {
    const sessionId = await page.evaluate<string>(STORED_SESSION_ID);
    const staff = await loginAs(t, 'staff');
    await t
      .http()
      .post(`/api/admin/chat/sessions/${sessionId}/reply`)
      .set(bearer(staff.token))
      .send({ message: 'Hi, Claire from support here.' })
      .expect(201);
    await page.waitForSelector('#messages li[data-role="staff"]', { timeout: 5_000 });
    const list = await messages();
    expect(list.at(-1)).toEqual({
      sequence: 4,
      role: 'staff',
      text: 'Hi, Claire from support here.',
    });
    expect(new Set(list.map((m) => m.sequence)).size).toBe(list.length);
  });

  it('renders a <script> message as text and runs nothing', async () => {
    const payload =
      'Look: <b>bold</b> <img src=x onerror="alert(1)"> <script>window.pwned = 1</script>';
    await send(payload);
    await page.waitForSelector('#messages li[data-sequence="5"]');
    const mine = (await messages()).find((m) => m.sequence === 5)!;
    expect(mine).toMatchObject({ role: 'user', text: 'Look: bold' });
    expect(await page.$$('#messages b, #messages img, #messages script')).toHaveLength(0);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');

    // A message that is only markup is refused with a visible error, and nothing is added.
    await send('<script>alert(1)</script>');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/empty/);
    expect(dialogs).toEqual([]);
  });

  it('keeps the conversation across a reload, without duplicates', async () => {
    const before = await messages();
    await page.reload();
    await page.waitForSelector(`#messages li[data-sequence="${before.at(-1)!.sequence}"]`);
    expect(await messages()).toEqual(before);
    expect(pageErrors).toEqual([]);
  });

  it('falls back to polling when the stream is unavailable', async () => {
    const polling = await browser.newPage({ locale: 'en-US' });
    await polling.route('**/api/chat/stream*', (route) => route.abort());
    await polling.goto(`${t.url}/support/chat`);
    await polling.waitForSelector('#messages li[data-sequence="1"]');
    await polling.waitForFunction(
      `/every 2 s/.test(document.getElementById('status').textContent)`,
    );
    const sessionId = await polling.evaluate<string>(STORED_SESSION_ID);
    const staff = await loginAs(t, 'staff');
    await t
      .http()
      .post(`/api/admin/chat/sessions/${sessionId}/reply`)
      .set(bearer(staff.token))
      .send({ message: 'Polled reply' })
      .expect(201);
    await polling.waitForSelector('#messages li[data-role="staff"]', { timeout: 6_000 });
    await polling.close();
  });

  describe('in French (default) and English (the switch), and rating a resolved conversation', () => {
    let visitor: Page;
    const welcome = () => visitor.textContent('#messages li[data-sequence="1"] .msg__text');

    beforeAll(async () => {
      // A language the page does not speak: French, the default.
      const context = await browser.newContext({
        locale: 'de-DE',
        viewport: { width: 900, height: 700 },
      });
      visitor = await context.newPage();
      visitor.on('pageerror', (err) => pageErrors.push(err.message));
    });
    afterAll(async () => {
      await visitor?.context().close();
    });

    it('speaks French by default: page, welcome, status and errors', async () => {
      await visitor.goto(`${t.url}/support/chat`);
      await visitor.waitForSelector('#messages li[data-sequence="1"]');
      expect(await visitor.getAttribute('html', 'lang')).toBe('fr');
      expect(await visitor.title()).toBe('Assistance · Passerelle');
      expect(await welcome()).toBe(DEFAULT_CHAT_WELCOME_FR);
      await visitor.waitForSelector('#status[data-link="live"]');
      expect(await visitor.textContent('#status')).toBe(
        'Notre assistant répond tout de suite · en direct',
      );
      expect((await visitor.textContent('#restart'))!.trim()).toBe('Nouvelle conversation');
      expect(await visitor.getAttribute('#input', 'placeholder')).toBe('Écrivez votre message…');
      expect(await visitor.textContent('#lang-switch')).toBe('English');

      // The API answers in English ({code: VALIDATION_FAILED, …}); the page says it in French.
      await visitor.fill('#input', '<script>alert(1)</script>');
      await visitor.click('#send');
      await visitor.waitForSelector('#error:not([hidden])');
      expect(await visitor.textContent('#error')).toBe(
        'Votre message est vide une fois le balisage et les caractères de contrôle retirés.',
      );
      await visitor.screenshot({ path: join(ARTIFACTS, 'chat-page-fr.png') });
    });

    it('switches to English: page, a new English welcome (nothing was said yet), status', async () => {
      const before = await visitor.evaluate<string>(STORED_SESSION_ID);
      await visitor.click('#lang-switch');
      await visitor.waitForURL(/\?lang=en$/);
      await visitor.waitForSelector('#messages li[data-sequence="1"]');
      expect(await visitor.getAttribute('html', 'lang')).toBe('en');
      expect(await welcome()).toBe(DEFAULT_CHAT_WELCOME_EN);
      expect(await visitor.evaluate<string>(STORED_SESSION_ID)).not.toBe(before);
      await visitor.waitForSelector('#status[data-link="live"]');
      expect(await visitor.textContent('#status')).toBe('Our assistant answers right away · live');
      expect(await visitor.textContent('#lang-switch')).toBe('Français');
      await visitor.screenshot({ path: join(ARTIFACTS, 'chat-page-en.png') });
    });

    it('rates the conversation once staff resolved it, and says thanks (also after a reload)', async () => {
      await visitor.fill('#input', 'My invoice is wrong, a human please');
      await visitor.click('#send');
      await visitor.waitForSelector('#messages li[data-sequence="3"]');
      expect(await visitor.isHidden('#rating')).toBe(true);

      const sessionId = await visitor.evaluate<string>(STORED_SESSION_ID);
      const staff = await loginAs(t, 'staff');
      await t
        .http()
        .post(`/api/admin/chat/sessions/${sessionId}/resolve`)
        .set(bearer(staff.token))
        .expect(200);
      // The resolved notice arrives by SSE; the page then learns the status and offers the form.
      await visitor.waitForSelector('#rating:not([hidden])', { timeout: 5_000 });
      expect(await visitor.textContent('#status')).toMatch(/^Conversation resolved/);
      await visitor.check('#rating input[name="rating"][value="4"]');
      await visitor.fill('#rating-comment', 'Quick and <b>clear</b>, thanks');
      await visitor.screenshot({ path: join(ARTIFACTS, 'chat-page-rating.png') });
      await visitor.click('#rating-send');
      await visitor.waitForSelector('#rating-thanks:not([hidden])');
      expect(await visitor.isHidden('#rating')).toBe(true);
      expect(await visitor.textContent('#rating-thanks')).toBe('Thank you for your feedback!');
      expect(
        await query(t, `SELECT rating, rating_comment FROM chat_sessions WHERE id = $1`, [
          sessionId,
        ]),
      ).toEqual([{ rating: 4, rating_comment: 'Quick and clear, thanks' }]);

      await visitor.reload();
      await visitor.waitForSelector('#rating-thanks:not([hidden])');
      expect(await visitor.isHidden('#rating')).toBe(true);
      await visitor.screenshot({ path: join(ARTIFACTS, 'chat-page-rated.png') });

      // Back to French: the same conversation (it has begun), the server's notices in French.
      await visitor.click('#lang-switch');
      await visitor.waitForSelector('#rating-thanks:not([hidden])');
      expect(await visitor.getAttribute('html', 'lang')).toBe('fr');
      expect(await visitor.evaluate<string>(STORED_SESSION_ID)).toBe(sessionId);
      expect(await visitor.textContent('#rating-thanks')).toBe('Merci pour votre avis !');
      const system = await visitor.$$eval('#messages li[data-role="system"] .msg__text', (els) =>
        els.map((e) => e.textContent),
      );
      expect(system.at(-1)).toBe(
        'Cette conversation a été marquée comme résolue. Écrivez à nouveau ici si vous avez besoin d’aide.',
      );
      await visitor.screenshot({ path: join(ARTIFACTS, 'chat-page-rated-fr.png') });
      expect(pageErrors).toEqual([]);
    });
  });
});
