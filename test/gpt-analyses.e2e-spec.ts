import { randomUUID } from 'node:crypto';
import { DevisService } from '../src/devis/devis.service';
import { analysisBody, devisBody } from './support/devis-fixtures';
import { bearer, createGptKey, loginAs, query, startTestApp, TestApp } from './support/test-app';

describe('GptAnalyses: devis, GPT actions, idempotent analyses, stats', () => {
  let t: TestApp;
  let staff: string;
  let gptKey: string;
  let gptKeyId: string;

  beforeAll(async () => {
    t = await startTestApp({ listen: true });
    staff = (await loginAs(t, 'staff')).token;
    const issued = await createGptKey(t, { rateLimitPerHour: 10_000, name: 'Analyses GPT' });
    gptKey = issued.plaintext;
    gptKeyId = issued.key.id;
  });
  afterAll(() => t?.close());

  const createDevis = async (overrides = {}) =>
    (await t.http().post('/api/devis').set(bearer(staff)).send(devisBody(overrides)).expect(201))
      .body;
  const postAnalysis = (body: object, key?: string) => {
    const req = t.http().post('/api/gpt/analysis').set(bearer(gptKey));
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };

  describe('devis API (staff)', () => {
    it('creates a devis with lines and computes totals in cents', async () => {
      const d = await createDevis();
      expect(d.reference).toMatch(/^DEV-TEST-/);
      expect(d.totals).toEqual({ htCents: 290_000, tvaCents: 29_000, ttcCents: 319_000 });
      expect(d.lines.map((l: { totalHtCents: number }) => l.totalHtCents)).toEqual([
        45_000, 120_000, 125_000,
      ]);
      expect(d.lines[2]).toMatchObject({ quantity: 12.5, unit: 'm²', tvaRate: 10, position: 3 });
    });

    it('refuses totals that do not match the lines, naming the field', async () => {
      const res = await t
        .http()
        .post('/api/devis')
        .set(bearer(staff))
        .send(devisBody({ totals: { htCents: 290_000, ttcCents: 300_000 } }))
        .expect(400);
      expect(res.body.details).toEqual([
        {
          field: 'totals.ttcCents',
          messages: ['totals.ttcCents is 300000 but the lines add up to 319000'],
        },
      ]);
    });

    it('refuses a wrong line total, a bad SIRET, floats for cents, validity before issue', async () => {
      const body = devisBody({
        company: { name: 'X', siret: '12345678901234' },
        validUntil: '2025-01-01',
      });
      body.lines[0].totalHtCents = 1;
      const res = await t.http().post('/api/devis').set(bearer(staff)).send(body).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([
        'lines.0.totalHtCents',
      ]);
      body.lines[0].totalHtCents = undefined;
      const res2 = await t.http().post('/api/devis').set(bearer(staff)).send(body).expect(400);
      expect(res2.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'company.siret',
        'validUntil',
      ]);
      const floats = devisBody();
      floats.lines[0].unitPriceHtCents = 12.5;
      const res3 = await t.http().post('/api/devis').set(bearer(staff)).send(floats).expect(400);
      expect(res3.body.details[0].field).toBe('lines.0.unitPriceHtCents');
    });

    it('refuses a duplicate reference, case-insensitively (409)', async () => {
      const d = await createDevis();
      const res = await t
        .http()
        .post('/api/devis')
        .set(bearer(staff))
        .send(devisBody({ reference: d.reference.toLowerCase() }))
        .expect(409);
      expect(res.body.code).toBe('CONFLICT');
    });

    it('searches by reference, company, status and date range, paginated', async () => {
      const tag = `S${Date.now()}`;
      await createDevis({ reference: `${tag}-1`, issueDate: '2025-01-10', status: 'draft' });
      await createDevis({
        reference: `${tag}-2`,
        issueDate: '2025-02-10',
        status: 'sent',
        company: { name: 'Plomberie Dupuis' },
      });
      await createDevis({ reference: `${tag}-3`, issueDate: '2025-03-10', status: 'sent' });
      const all = await t
        .http()
        .get('/api/devis')
        .query({ reference: tag.toLowerCase() })
        .set(bearer(staff))
        .expect(200);
      expect(all.body.total).toBe(3);
      const page2 = await t
        .http()
        .get('/api/devis')
        .query({ reference: tag, pageSize: 2, page: 2 })
        .set(bearer(staff))
        .expect(200);
      expect(page2.body.items.map((d: { reference: string }) => d.reference)).toEqual([`${tag}-1`]);
      const sent = await t
        .http()
        .get('/api/devis')
        .query({ reference: tag, status: 'sent', from: '2025-02-01', to: '2025-02-28' })
        .set(bearer(staff))
        .expect(200);
      expect(sent.body.items.map((d: { reference: string }) => d.reference)).toEqual([`${tag}-2`]);
      const company = await t
        .http()
        .get('/api/devis')
        .query({ company: 'dupuis' })
        .set(bearer(staff))
        .expect(200);
      expect(company.body.items[0].companyName).toBe('Plomberie Dupuis');
      await t.http().get('/api/devis').query({ pageSize: 1000 }).set(bearer(staff)).expect(400);
    });

    it('PATCH replaces lines and recomputes totals; reads by id or reference', async () => {
      const d = await createDevis();
      const res = await t
        .http()
        .patch(`/api/devis/${d.reference}`)
        .set(bearer(staff))
        .send({
          status: 'accepted',
          lines: [
            {
              description: 'Peinture plafond',
              category: 'peinture',
              quantity: 20,
              unit: 'm²',
              unitPriceHtCents: 2_500,
              tvaRate: 20,
            },
          ],
        })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'accepted',
        totals: { htCents: 50_000, tvaCents: 10_000, ttcCents: 60_000 },
      });
      expect(res.body.lines).toHaveLength(1);
      await t.http().get(`/api/devis/${d.id}`).set(bearer(staff)).expect(200);
    });

    it('only staff and admins reach it', async () => {
      const { token } = await loginAs(t, 'user');
      await t.http().get('/api/devis').set(bearer(token)).expect(403);
      await t.http().get('/api/devis').set(bearer(gptKey)).expect(401);
    });
  });

  describe('GPT actions', () => {
    it('GET /api/gpt/devis/:id returns the quote shaped for a model', async () => {
      const d = await createDevis();
      const res = await t.http().get(`/api/gpt/devis/${d.id}`).set(bearer(gptKey)).expect(200);
      expect(res.body).toMatchObject({
        id: d.id,
        reference: d.reference,
        company: { name: 'Rénov Habitat SARL', siret: '73282932000074' },
        totals: {
          ht: { cents: 290_000, formatted: '2 900,00 €' },
          tva: { cents: 29_000, formatted: '290,00 €' },
          ttc: { cents: 319_000, formatted: '3 190,00 €' },
        },
        tvaBreakdown: [{ ratePercent: 10, baseHtCents: 290_000, tvaCents: 29_000 }],
        lineCount: 3,
        hasMoreLines: false,
        analysisCount: 0,
        previousAnalyses: [],
      });
      expect(res.body.categories[0]).toEqual({
        category: 'plomberie',
        lineCount: 2,
        totalHtCents: 165_000,
      });
      expect(res.headers['x-ratelimit-limit']).toBe('10000');
    });

    it('finds a quote by reference, case-insensitively, and by reference in the path', async () => {
      const d = await createDevis();
      const res = await t
        .http()
        .get('/api/gpt/devis')
        .query({ reference: d.reference.toLowerCase() })
        .set(bearer(gptKey))
        .expect(200);
      expect(res.body.id).toBe(d.id);
      await t.http().get(`/api/gpt/devis/${d.reference}`).set(bearer(gptKey)).expect(200);
    });

    it('unknown quote → 404 with a message the GPT can relay', async () => {
      const res = await t
        .http()
        .get('/api/gpt/devis')
        .query({ reference: 'DEV-0000-NOPE' })
        .set(bearer(gptKey))
        .expect(404);
      expect(res.body.message).toMatch(/No devis found with reference "DEV-0000-NOPE"/);
      await t.http().get(`/api/gpt/devis/${randomUUID()}`).set(bearer(gptKey)).expect(404);
      await t.http().get('/api/gpt/devis').set(bearer(gptKey)).expect(400);
    });

    it('pages long quotes so a response stays far below 100,000 characters', async () => {
      const lines = Array.from({ length: 250 }, (_, i) => ({
        description:
          `Poste ${i + 1} : ${'fourniture et pose conforme aux DTU en vigueur, '.repeat(8)}`.slice(
            0,
            480,
          ),
        category: 'maçonnerie',
        quantity: 1,
        unit: 'u',
        unitPriceHtCents: 10_000,
        tvaRate: 20,
      }));
      const d = await createDevis({ lines });
      const first = await t.http().get(`/api/gpt/devis/${d.id}`).set(bearer(gptKey)).expect(200);
      expect(first.text.length).toBeLessThan(100_000);
      expect(first.body).toMatchObject({ lineCount: 250, linesOffset: 0, hasMoreLines: true });
      expect(first.body.lines).toHaveLength(100);
      const last = await t
        .http()
        .get(`/api/gpt/devis/${d.id}`)
        .query({ linesOffset: 200 })
        .set(bearer(gptKey))
        .expect(200);
      expect(last.body.lines).toHaveLength(50);
      expect(last.body.hasMoreLines).toBe(false);
      expect(last.body.lines[0].position).toBe(201);
      expect(first.body.totals.ht.cents).toBe(2_500_000);
    });
  });

  describe('POST /api/gpt/analysis', () => {
    it('stores the seed body: 201 with id and createdAt, linked to the key', async () => {
      const d = await createDevis();
      const res = await postAnalysis(analysisBody(d.id)).expect(201);
      expect(res.body).toMatchObject({
        devisId: d.id,
        gptScore: 72,
        gptGrade: 'B',
        confidence: 80,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(res.body.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      const [row] = await query<{ api_key_id: string; analysis: { summary: string } }>(
        t,
        `SELECT api_key_id, analysis FROM gpt_analyses WHERE id = $1`,
        [res.body.id],
      );
      expect(row.api_key_id).toBe(gptKeyId);
      expect(row.analysis.summary).toContain('Devis clair');
      const view = await t.http().get(`/api/gpt/devis/${d.id}`).set(bearer(gptKey)).expect(200);
      expect(view.body.previousAnalyses).toEqual([
        { id: res.body.id, gptScore: 72, gptGrade: 'B', createdAt: res.body.createdAt },
      ]);
      const list = await t
        .http()
        .get(`/api/gpt/devis/${d.reference}/analyses`)
        .set(bearer(gptKey))
        .expect(200);
      expect(list.body.analyses.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    });

    it('accepts a devis reference as devisId', async () => {
      const d = await createDevis();
      const res = await postAnalysis(analysisBody(d.reference)).expect(201);
      expect(res.body.devisId).toBe(d.id);
    });

    it.each([
      ['gptScore', { gptScore: 101 }],
      ['gptScore', { gptScore: 50.5 }],
      ['confidence', { confidence: -1 }],
      ['gptGrade', { gptGrade: 'F' }],
      ['analysis.summary', { analysis: { summary: 'court' } }],
      ['analysis.summary', { analysis: {} }],
      ['analysis.surprise', { analysis: { summary: 'Un résumé suffisamment long.', surprise: 1 } }],
      [
        'recommendations',
        {
          recommendations: Array.from({ length: 21 }, () => ({
            type: 'prix',
            priority: 'low',
            title: 'Titre',
            description: 'd',
          })),
        },
      ],
      [
        'recommendations.0.type',
        { recommendations: [{ type: 'magie', priority: 'low', title: 'Titre', description: 'd' }] },
      ],
      [
        'recommendations.0.priority',
        {
          recommendations: [{ type: 'prix', priority: 'urgent', title: 'Titre', description: 'd' }],
        },
      ],
      ['devisId', { devisId: undefined }],
    ])('400 naming %s', async (field, overrides) => {
      const d = await createDevis();
      const res = await postAnalysis(analysisBody(d.id, overrides)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((x: { field: string }) => x.field)).toContain(field);
    });

    it('404 for an unknown devis, nothing stored', async () => {
      const before = await query<{ n: string }>(t, `SELECT count(*) AS n FROM gpt_analyses`);
      const res = await postAnalysis(analysisBody(randomUUID())).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
      const after = await query<{ n: string }>(t, `SELECT count(*) AS n FROM gpt_analyses`);
      expect(after[0].n).toBe(before[0].n);
    });

    it('Idempotency-Key: a retry returns the first response and stores nothing twice', async () => {
      const d = await createDevis();
      const key = `retry-${randomUUID()}`;
      const first = await postAnalysis(analysisBody(d.id), key).expect(201);
      // Same body with keys in another order is the same request.
      const { recommendations, ...rest } = analysisBody(d.id);
      const again = await postAnalysis({ recommendations, ...rest }, key).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const [{ n }] = await query<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM gpt_analyses WHERE devis_id = $1`,
        [d.id],
      );
      expect(Number(n)).toBe(1);
    });

    it('Idempotency-Key reused with another body → 422, nothing stored', async () => {
      const d = await createDevis();
      const key = `reuse-${randomUUID()}`;
      await postAnalysis(analysisBody(d.id), key).expect(201);
      const res = await postAnalysis(
        analysisBody(d.id, { gptScore: 10, gptGrade: 'E' }),
        key,
      ).expect(422);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const [{ n }] = await query<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM gpt_analyses WHERE devis_id = $1`,
        [d.id],
      );
      expect(Number(n)).toBe(1);
    });

    it('concurrent retries with one Idempotency-Key store exactly one analysis', async () => {
      const d = await createDevis();
      const key = `burst-${randomUUID()}`;
      const body = JSON.stringify(analysisBody(d.id));
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${t.url}/api/gpt/analysis`, {
            method: 'POST',
            headers: {
              ...bearer(gptKey),
              'Content-Type': 'application/json',
              'Idempotency-Key': key,
            },
            body,
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } })),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      const [{ n }] = await query<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM gpt_analyses WHERE devis_id = $1`,
        [d.id],
      );
      expect(Number(n)).toBe(1);
    });

    it('idempotencyKey in the body works like the header (ChatGPT Actions cannot send headers)', async () => {
      const d = await createDevis();
      const body = analysisBody(d.id, { idempotencyKey: `body-${randomUUID()}` });
      const first = await postAnalysis(body).expect(201);
      const again = await postAnalysis(body).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers['idempotent-replayed']).toBe('true');
      await postAnalysis({ ...body, gptScore: 12 }).expect(422);
      await postAnalysis(body, 'another-key').expect(400);
      const [{ n }] = await query<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM gpt_analyses WHERE devis_id = $1`,
        [d.id],
      );
      expect(Number(n)).toBe(1);
    });

    it('the same Idempotency-Key from another GPT key is a different request', async () => {
      const d = await createDevis();
      const other = await createGptKey(t);
      const key = `shared-${randomUUID()}`;
      await postAnalysis(analysisBody(d.id), key).expect(201);
      await t
        .http()
        .post('/api/gpt/analysis')
        .set(bearer(other.plaintext))
        .set('Idempotency-Key', key)
        .send(analysisBody(d.id))
        .expect(201);
    });
  });

  it('deleting a devis cascades to its lines and analyses', async () => {
    const d = await createDevis();
    await postAnalysis(analysisBody(d.id)).expect(201);
    await t.http().delete(`/api/devis/${d.id}`).set(bearer(staff)).expect(204);
    const [{ lines }] = await query<{ lines: string }>(
      t,
      `SELECT count(*) AS lines FROM devis_lines WHERE devis_id = $1`,
      [d.id],
    );
    const [{ analyses }] = await query<{ analyses: string }>(
      t,
      `SELECT count(*) AS analyses FROM gpt_analyses WHERE devis_id = $1`,
      [d.id],
    );
    expect([Number(lines), Number(analyses)]).toEqual([0, 0]);
    await t.http().get(`/api/devis/${d.id}`).set(bearer(staff)).expect(404);
  });

  it('stats: analyses per day, top quotes with average score, per key', async () => {
    // Known data on a fresh app: its own database, so other tests' analyses do not count.
    const s = await startTestApp();
    try {
      const token = (await loginAs(s, 'staff')).token;
      const a = await createGptKey(s, { name: 'Key A' });
      const b = await createGptKey(s, { name: 'Key B' });
      const svc = s.get(DevisService);
      const d1 = await svc.create(devisBody({ reference: 'DEV-STATS-1' }));
      const d2 = await svc.create(devisBody({ reference: 'DEV-STATS-2' }));
      const post = (key: string, devisId: string, score: number) =>
        s
          .http()
          .post('/api/gpt/analysis')
          .set(bearer(key))
          .send(analysisBody(devisId, { gptScore: score }))
          .expect(201);
      await post(a.plaintext, d1.id, 60);
      await post(a.plaintext, d1.id, 80);
      await post(b.plaintext, d1.id, 70);
      await post(b.plaintext, d2.id, 40);
      // One analysis 3 days ago, one 40 days ago (outside a 30-day window).
      const old = await post(a.plaintext, d2.id, 90);
      await query(
        s,
        `UPDATE gpt_analyses SET created_at = now() - interval '3 days' WHERE id = $1`,
        [old.body.id],
      );
      const ancient = await post(a.plaintext, d2.id, 10);
      await query(
        s,
        `UPDATE gpt_analyses SET created_at = now() - interval '40 days' WHERE id = $1`,
        [ancient.body.id],
      );

      const res = await s
        .http()
        .get('/api/admin/gpt-analyses/stats')
        .query({ days: 30 })
        .set(bearer(token))
        .expect(200);
      expect(res.body.days).toBe(30);
      expect(res.body.totalAnalyses).toBe(5);
      expect(res.body.perDay).toHaveLength(30);
      expect(res.body.perDay.at(-1)).toMatchObject({ analyses: 4, averageScore: 62.5 });
      expect(res.body.perDay.at(-4)).toMatchObject({ analyses: 1, averageScore: 90 });
      expect(res.body.topDevis).toEqual([
        { devisId: d1.id, reference: 'DEV-STATS-1', analyses: 3, averageScore: 70 },
        { devisId: d2.id, reference: 'DEV-STATS-2', analyses: 2, averageScore: 65 },
      ]);
      const perKey = Object.fromEntries(
        res.body.perKey.map((k: { keyName: string; analyses: number }) => [k.keyName, k.analyses]),
      );
      expect(perKey).toEqual({ 'Key A': 3, 'Key B': 2 });
      await s
        .http()
        .get('/api/admin/gpt-analyses/stats')
        .query({ days: 0 })
        .set(bearer(token))
        .expect(400);
      const user = (await loginAs(s, 'user')).token;
      await s.http().get('/api/admin/gpt-analyses/stats').set(bearer(user)).expect(403);
    } finally {
      await s.close();
    }
  });

  it('serves a privacy policy page for publishing the GPT', async () => {
    const res = await t.http().get('/privacy').expect(200).expect('Content-Type', /html/);
    expect(res.text).toContain('Politique de confidentialité');
  });
});
