import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { mockChatReply } from '../src/chat/chat-assistant.service';
import { bearer, loginAs, startTestApp, TestApp } from './support/test-app';

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
    browser = await launchChromium();
    page = await browser.newPage();
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
    const polling = await browser.newPage();
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
});
