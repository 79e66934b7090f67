import { isValidSiret } from '../src/devis/devis-math';
import { SEED_DEVIS } from '../src/devis/seed/seed-devis';
import { CliResult, runCli } from './support/spawn';
import { bearer, createGptKey, loginAs, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

const REFERENCES = SEED_DEVIS.map((d) => d.reference).sort();
const SLOW = 120_000;

interface Line {
  position: number;
  description: string;
  quantity: number;
  unit: string;
  unitPriceHtCents: number;
  tvaRate: number;
  totalHtCents: number;
}
interface Devis {
  id: string;
  reference: string;
  company: { name: string; siret: string | null };
  issueDate: string;
  validUntil: string | null;
  totals: { htCents: number; tvaCents: number; ttcCents: number };
  metadata: Record<string, unknown>;
  lines: Line[];
}

function expectOk(r: CliResult) {
  const context = JSON.stringify({ code: r.code, stdout: r.stdout, stderr: r.stderr });
  expect({ code: r.code, stderr: r.stderr, context }).toEqual({ code: 0, stderr: '', context });
}

describe('db:seed while the server runs on the same database', () => {
  let t: TestApp;
  let token: string;
  const seed = (...args: string[]) => runCli(t.env, ['db:seed', ...args], { timeoutMs: 90_000 });
  const staffGet = (path: string) => t.http().get(path).set(bearer(token));

  async function listed(): Promise<{ total: number; items: { id: string; reference: string }[] }> {
    return (await staffGet('/api/devis?pageSize=100').expect(200)).body;
  }
  const ids = async () =>
    Object.fromEntries((await listed()).items.map((d) => [d.reference, d.id]));
  async function all(): Promise<Devis[]> {
    const { items } = await listed();
    return Promise.all(
      items.map(async (d) => (await staffGet(`/api/devis/${d.id}`).expect(200)).body as Devis),
    );
  }
  const noteOf = (d: Devis) => String(d.metadata.seedNote ?? '');

  beforeAll(async () => {
    t = await startTestApp();
    token = (await loginAs(t, 'admin')).token;
  });
  afterAll(() => t?.close());

  it(
    'creates the 12 quotes, printing the summary and the GPT hint',
    async () => {
      expect((await listed()).total).toBe(0);
      const r = await seed();
      expectOk(r);
      expect(r.stdout).toContain('created 12, skipped 0');
      expect(r.stdout).toContain('Analyse le devis DEV-2025-0042');

      const { total, items } = await listed();
      expect(total).toBe(12);
      expect(items.map((d) => d.reference).sort()).toEqual(REFERENCES);
    },
    SLOW,
  );

  it('stores consistent totals: line = quantity × price, HT = Σ lines, TVA per rate, TTC = HT + TVA', async () => {
    for (const d of await all()) {
      const context = d.reference;
      const byRate = new Map<number, number>();
      for (const l of d.lines) {
        expect({ context, total: l.totalHtCents }).toEqual({
          context,
          total: Math.round(l.quantity * l.unitPriceHtCents),
        });
        byRate.set(l.tvaRate, (byRate.get(l.tvaRate) ?? 0) + l.totalHtCents);
      }
      const ht = d.lines.reduce((s, l) => s + l.totalHtCents, 0);
      const tva = [...byRate].reduce((s, [rate, base]) => s + Math.round((base * rate) / 100), 0);
      expect({ context, ...d.totals }).toEqual({
        context,
        htCents: ht,
        tvaCents: tva,
        ttcCents: ht + tva,
      });
      expect(d.lines).toHaveLength(
        SEED_DEVIS.find((s) => s.reference === d.reference)!.lines.length,
      );
      expect(d.issueDate).toMatch(/^2025-/);
    }
  });

  it('includes one suspicious price, one quote missing mandatory mentions and one of 20+ lines', async () => {
    const devis = await all();
    const suspicious = devis.filter((d) => noteOf(d).startsWith('prix suspect'));
    const incomplete = devis.filter((d) => noteOf(d).startsWith('mentions manquantes'));
    const long = devis.filter((d) => d.lines.length >= 20);
    expect([suspicious.length, incomplete.length, long.length]).toEqual([1, 1, 1]);

    const [bad] = incomplete;
    expect(bad.company.siret).toBeNull();
    expect(bad.validUntil).toBeNull();
    expect(bad.lines).toContainEqual(
      expect.objectContaining({ description: 'Travaux divers', unit: 'forfait' }),
    );
    expect(noteOf(bad)).toMatch(/SIRET.*validité/);

    for (const d of devis.filter((x) => x !== bad)) {
      expect({ ref: d.reference, siret: isValidSiret(d.company.siret ?? '') }).toEqual({
        ref: d.reference,
        siret: true,
      });
      expect(d.validUntil! > d.issueDate).toBe(true);
    }
  });

  it(
    'run again: creates nothing, changes nothing',
    async () => {
      const before = await ids();
      const r = await seed();
      expectOk(r);
      expect(r.stdout).toContain('created 0, skipped 12');
      expect(await ids()).toEqual(before);
    },
    SLOW,
  );

  it('a GPT key finds DEV-2025-0042 by reference (findDevisByReference)', async () => {
    const { plaintext } = await createGptKey(t);
    const res = await t
      .http()
      .get('/api/gpt/devis')
      .query({ reference: 'dev-2025-0042' })
      .set(bearer(plaintext))
      .expect(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        reference: 'DEV-2025-0042',
        lineCount: res.body.lines.length,
        hasMoreLines: false,
        analysisCount: 0,
      }),
    );
    expect(res.body.totals.ttc.cents).toBe(res.body.totals.ht.cents + res.body.totals.tva.cents);
  });

  it(
    '--reset recreates the seeded quotes (their analyses go too) and keeps a real quote with a seed reference',
    async () => {
      const { plaintext } = await createGptKey(t, { name: 'Reset GPT' });
      await t
        .http()
        .post('/api/gpt/analysis')
        .set(bearer(plaintext))
        .send({
          devisId: 'DEV-2025-0042',
          gptScore: 72,
          gptGrade: 'B',
          confidence: 80,
          analysis: { summary: 'Devis globalement conforme, prix cohérents.' },
          recommendations: [],
        })
        .expect(201);
      // Someone replaced DEV-2025-0003 by a real quote: --reset must not delete it.
      await t.http().delete('/api/devis/DEV-2025-0003').set(bearer(token)).expect(204);
      const real = await t
        .http()
        .post('/api/devis')
        .set(bearer(token))
        .send({
          reference: 'DEV-2025-0003',
          title: 'Vrai devis',
          company: { name: 'Entreprise réelle' },
          client: { name: 'Client réel' },
          issueDate: '2025-09-01',
          lines: [
            {
              description: 'Pose',
              category: 'maçonnerie',
              quantity: 1,
              unit: 'u',
              unitPriceHtCents: 1000,
              tvaRate: 10,
            },
          ],
        })
        .expect(201);
      const before = await ids();

      const r = await seed('--reset');
      expectOk(r);
      expect(r.stdout).toContain('Kept DEV-2025-0003');
      expect(r.stdout).toContain('Removed 11 seeded devis');
      expect(r.stdout).toContain('created 11, skipped 1');

      const after = await ids();
      expect(Object.keys(after).sort()).toEqual(REFERENCES);
      expect(after['DEV-2025-0003']).toBe(real.body.id);
      for (const ref of REFERENCES.filter((x) => x !== 'DEV-2025-0003')) {
        expect(after[ref]).not.toBe(before[ref]);
      }
      const gpt = await t
        .http()
        .get('/api/gpt/devis/DEV-2025-0042')
        .set(bearer(plaintext))
        .expect(200);
      expect(gpt.body.analysisCount).toBe(0);
    },
    SLOW,
  );
});

describe('db:seed on a database without migrations (no server)', () => {
  it('refuses with one error line pointing at db:migrate', async () => {
    const fresh = await createTestDatabase();
    try {
      const r = await runCli(fresh.env, ['db:seed'], { timeoutMs: 60_000 });
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
      expect(r.stderr).toMatch(/^error: the database is missing \d+ migration.*db:migrate.*\n$/);
    } finally {
      await fresh.drop();
    }
  });
});
