import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { historyOf, newVisitor, sendAs } from './support/chat-client';
import { ROOT } from './support/paths';
import { ADMIN, createGptKey, query, sleep, startTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A few days of analyses and LLM calls, so the dashboard has something to draw. */
async function seedActivity(t: TestApp) {
  const { key } = await createGptKey(t, { name: 'Seed GPT' });
  const [devis] = await query<{ id: string }>(
    t,
    `INSERT INTO devis (reference, title, company_name, client_name, total_ht_cents, total_tva_cents, total_ttc_cents, issue_date)
     VALUES ('DEV-BROWSER-1', 'Rénovation salle de bain', 'Plomberie Martin', 'Mme Durand', 100000, 20000, 120000, '2026-01-10')
     RETURNING id`,
  );
  await query(
    t,
    `INSERT INTO devis_lines (devis_id, position, description, category, quantity, unit, unit_price_ht_cents, tva_rate_bp, total_ht_cents)
     VALUES ($1, 1, 'Pose de carrelage', 'carrelage', 12.5, 'm²', 8000, 1000, 100000)`,
    [devis.id],
  );
  await query(
    t,
    `INSERT INTO gpt_analyses (devis_id, api_key_id, gpt_score, gpt_grade, confidence, analysis, recommendations, created_at)
     SELECT $1, CASE WHEN d % 3 = 0 THEN NULL ELSE $2::uuid END, 60 + d, 'B', 80,
            '{"summary": "Devis cohérent", "strengths": ["Prix détaillés"]}'::jsonb,
            '[{"type": "garanties", "priority": "high", "title": "Demander la décennale", "description": "Attestation à jour"}]'::jsonb,
            now() - make_interval(days => d)
       FROM generate_series(0, 12) AS d`,
    [devis.id, key.id],
  );
  await query(
    t,
    `INSERT INTO gpt_key_usage_daily (key_id, day, request_count)
     SELECT $1, current_date - d, 40 + 7 * d FROM generate_series(0, 14) AS d`,
    [key.id],
  );
  await query(
    t,
    `INSERT INTO llm_usage_logs (provider, model, total_tokens, cost_micro_usd, latency_ms, status, created_at)
     SELECT p, 'm', 1000, 20000 * (d % 4 + 1), 400, 'success', now() - make_interval(days => d)
       FROM generate_series(0, 20) AS d, unnest(ARRAY['openai', 'mistral']) AS p`,
  );
}

/** The back-office in Debian's chromium against a really listening app. */
describe('Back-office in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const offsite: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({
      listen: true,
      // Shared between runs: the components bundle is rebuilt only when a component changes.
      env: {
        ADMIN_JS_TMP_DIR: join(tmpdir(), 'passerelle-test-adminjs'),
        ADMIN_JS_SKIP_BUNDLE: 'false',
      },
    });
    await seedActivity(t);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('request', (r) => {
      if (!r.url().startsWith(t.url) && !r.url().startsWith('data:')) offsite.push(r.url());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in and shows the dashboard charts', async () => {
    await page.goto(`${t.url}/admin`);
    await page.waitForURL(/\/admin\/login$/);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('form button');
    await page.waitForSelector('[data-testid=passerelle-dashboard]');
    for (const chart of ['chart-gpt-keys', 'chart-analyses', 'chart-llm-cost', 'chat-ratings']) {
      await page.waitForSelector(`[data-testid=${chart}]`);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'admin-dashboard.png'), fullPage: true });
  });

  let plaintext: string;
  let keyId: string;

  it('creates a GPT key and shows it once, with a copy button', async () => {
    await page.goto(`${t.url}/admin/resources/gpt-keys/actions/newKey`);
    await page.fill('#field-name', 'Browser GPT');
    await page.fill('#field-rateLimitPerHour', '30');
    await page.click('[data-testid=action-submit]');
    plaintext = (await page.textContent('[data-testid=issued-secret]'))!.trim();
    expect(plaintext).toMatch(/^torp_gpt_/);
    await page.click('[data-testid=copy-secret]');
    await page.waitForSelector('text=Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(plaintext);
    [{ id: keyId }] = await query<{ id: string }>(
      t,
      `SELECT id FROM gpt_api_keys WHERE name = 'Browser GPT'`,
    );

    await page.goto(`${t.url}/admin/resources/gpt-keys`);
    await page.waitForSelector('text=Browser GPT');
    const listed = await page.content();
    expect(listed).toContain(`${plaintext.slice(0, 13)}…`);
    expect(listed).not.toContain(plaintext);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-gpt-keys.png'), fullPage: true });
  });

  it('the key works on /api/gpt/me; once deactivated it gets 401 within the cache window', async () => {
    const me = await fetch(`${t.url}/api/gpt/me`, {
      headers: { Authorization: `Bearer ${plaintext}` },
    });
    expect(me.status).toBe(200);

    await page.goto(`${t.url}/admin/resources/gpt-keys/records/${keyId}/deactivate`);
    await page.click('[data-testid=action-submit]');
    await page.waitForURL(new RegExp(`/records/${keyId}/show`));
    const stoppedAt = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - stoppedAt < 5_000) {
      status = (
        await fetch(`${t.url}/api/gpt/me`, { headers: { Authorization: `Bearer ${plaintext}` } })
      ).status;
      if (status !== 401) await sleep(200);
    }
    expect(status).toBe(401);
  });

  it('opens a chat session, replies, and the visitor reads the reply in the history', async () => {
    const visitor = await newVisitor(t);
    await sendAs(t, visitor, 'Is anyone there? <img src=x onerror=alert(1)>').expect(200);
    await page.goto(`${t.url}/admin/resources/chat-sessions/records/${visitor.id}/show`);
    await page.waitForSelector('[data-testid=chat-thread]');
    // The visitor's text is shown as text, not markup.
    await page.waitForSelector('text=Is anyone there?');
    expect(await page.$('[data-testid=chat-messages] img')).toBeNull();
    await page.fill('[data-testid=chat-reply-text]', 'Yes, Passerelle support here.');
    await page.click('[data-testid=chat-reply-send]');
    await page.waitForSelector('[data-testid=chat-message] >> text=Yes, Passerelle support here.');
    const history = await historyOf(t, visitor).expect(200);
    expect(JSON.stringify(history.body)).toContain('Yes, Passerelle support here.');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-chat.png'), fullPage: true });
  });

  it('shows a devis with its lines and analyses, and an analysis as a readable page', async () => {
    const [devis] = await query<{ id: string }>(
      t,
      `SELECT id FROM devis WHERE reference = 'DEV-BROWSER-1'`,
    );
    await page.goto(`${t.url}/admin/resources/devis/records/${devis.id}/show`);
    await page.waitForSelector('[data-testid=devis-show] >> text=Pose de carrelage');
    await page.waitForSelector('[data-testid=devis-show] >> text=1200.00 €');
    const [analysis] = await query<{ id: string }>(
      t,
      `SELECT id FROM gpt_analyses WHERE devis_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [devis.id],
    );
    await page.goto(`${t.url}/admin/resources/gpt-analyses/records/${analysis.id}/show`);
    await page.waitForSelector('[data-testid=analysis-summary] >> text=Devis cohérent');
    expect(await page.textContent('[data-testid=analysis-score]')).toBe('60/100');
    expect(await page.textContent('[data-testid=analysis-grade]')).toBe('B');
    await page.waitForSelector(
      '[data-testid=analysis-recommendation] >> text=Demander la décennale',
    );
    expect(await page.textContent('[data-testid=analysis-show]')).not.toContain('{"summary"');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-analysis.png'), fullPage: true });
  });

  it('deletes a GPT key once DELETE is typed; it gets 401 within the cache window', async () => {
    const issued = await createGptKey(t, { name: 'Browser doomed key' });
    const me = () =>
      fetch(`${t.url}/api/gpt/me`, { headers: { Authorization: `Bearer ${issued.plaintext}` } });
    expect((await me()).status).toBe(200);
    await page.goto(`${t.url}/admin/resources/gpt-keys/records/${issued.key.id}/removeKey`);
    await page.fill('#field-confirm', 'delete');
    await page.click('[data-testid=action-submit]');
    await page.waitForSelector('text=Type DELETE to confirm the deletion');
    expect((await me()).status).toBe(200);
    await page.fill('#field-confirm', 'DELETE');
    await page.click('[data-testid=action-submit]');
    await page.waitForURL(/\/resources\/gpt-keys\/actions\/list/);
    const deletedAt = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - deletedAt < 5_000) {
      status = (await me()).status;
      if (status !== 401) await sleep(200);
    }
    expect(status).toBe(401);
    expect(await query(t, 'SELECT 1 FROM gpt_api_keys WHERE id = $1', [issued.key.id])).toEqual([]);
  });

  it('triages a bug report from the feedback list', async () => {
    const posted = await fetch(`${t.url}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'bug', message: 'Le bouton Envoyer ne répond plus' }),
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    await page.goto(`${t.url}/admin/resources/feedback`);
    await page.waitForSelector('text=Le bouton Envoyer ne répond plus');
    await page.goto(`${t.url}/admin/resources/feedback/records/${id}/triage`);
    await page.click('[data-testid=action-submit]');
    await page.waitForURL(new RegExp(`/records/${id}/show`));
    const [row] = await query<{ status: string }>(t, 'SELECT status FROM feedback WHERE id = $1', [
      id,
    ]);
    expect(row.status).toBe('triaged');
  });

  it('a doubtful analysis: its page links to its conversation, and staff mark it reviewed', async () => {
    const { plaintext: gpt } = await createGptKey(t, { name: 'Browser review GPT' });
    const [devis] = await query<{ id: string }>(
      t,
      `SELECT id FROM devis WHERE reference = 'DEV-BROWSER-1'`,
    );
    const res = await fetch(`${t.url}/api/gpt/analysis`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${gpt}` },
      body: JSON.stringify({
        devisId: devis.id,
        gptScore: 38,
        gptGrade: 'D',
        confidence: 30,
        analysis: { summary: 'Lignes illisibles, prix impossibles à vérifier.' },
        recommendations: [],
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${t.url}/admin/resources/gpt-analyses/records/${id}/show`);
    await page.waitForSelector('[data-testid=analysis-review] >> text=awaiting review');
    await page.click('[data-testid=analysis-conversation]');
    await page.waitForSelector('[data-testid=chat-thread]');
    await page.waitForSelector('[data-testid=chat-messages] >> text=confiance 30 %');
    await page.waitForSelector('[data-testid=chat-review-analysis]');
    await page.screenshot({
      path: join(ARTIFACTS, 'admin-review-conversation.png'),
      fullPage: true,
    });

    await page.goto(`${t.url}/admin/resources/gpt-analyses/records/${id}/markReviewed`);
    await page.selectOption('#field-verdict', 'corrected');
    await page.fill('#field-note', 'Prix vérifiés avec le client.');
    await page.click('[data-testid=action-submit]');
    await page.waitForURL(new RegExp(`/records/${id}/show`));
    await page.waitForSelector('[data-testid=analysis-review] >> text=reviewed: corrected');
    const [row] = await query<{ review_status: string; review_note: string }>(
      t,
      'SELECT review_status, review_note FROM gpt_analyses WHERE id = $1',
      [id],
    );
    expect(row).toEqual({
      review_status: 'reviewed',
      review_note: 'Prix vérifiés avec le client.',
    });
  });

  it('logs out', async () => {
    await page.goto(`${t.url}/admin/logout`);
    await page.waitForURL(/\/admin\/login$/);
    await page.goto(`${t.url}/admin/resources/gpt-keys`);
    await page.waitForURL(/\/admin\/login$/);
  });

  it('loaded nothing from the internet and hit no script error', () => {
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
