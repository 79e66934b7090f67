import { createValidationPipe } from '../../common/http/validation.pipe';
import { isValidSiret } from '../devis-math';
import { CreateDevisDto } from '../dto/devis.dto';
import { SEED_DEVIS, SEED_EXAMPLE_REFERENCE, SEED_SOURCE } from './seed-devis';

const DAY_MS = 86_400_000;
const note = (d: CreateDevisDto) => String(d.metadata?.seedNote ?? '');

describe('seed devis', () => {
  it('are 12 distinct references, DEV-2025-0042 among them, all marked as seeded', () => {
    const refs = SEED_DEVIS.map((d) => d.reference);
    expect(refs).toHaveLength(12);
    expect(new Set(refs).size).toBe(12);
    expect(refs).toContain(SEED_EXAMPLE_REFERENCE);
    for (const d of SEED_DEVIS) expect(d.metadata?.source).toBe(SEED_SOURCE);
  });

  it.each(SEED_DEVIS.map((d) => [d.reference, d] as const))(
    '%s passes the API validation pipe',
    async (_, d) => {
      await expect(
        createValidationPipe().transform(d, { type: 'body', metatype: CreateDevisDto }),
      ).resolves.toBeInstanceOf(CreateDevisDto);
    },
  );

  it('use French TVA rates, the usual units, and dates of 2025 valid 30 to 90 days', () => {
    for (const d of SEED_DEVIS) {
      expect(d.issueDate).toMatch(/^2025-/);
      if (d.validUntil) {
        const days = (Date.parse(d.validUntil) - Date.parse(d.issueDate)) / DAY_MS;
        expect({ ref: d.reference, ok: days >= 30 && days <= 90 }).toEqual({
          ref: d.reference,
          ok: true,
        });
      }
      for (const l of d.lines) {
        expect([5.5, 10, 20]).toContain(l.tvaRate);
        expect(['u', 'm²', 'ml', 'h', 'forfait']).toContain(l.unit);
      }
    }
  });

  it('have exactly one suspicious price, one incomplete quote and one with 20+ lines', () => {
    const suspicious = SEED_DEVIS.filter((d) => note(d).startsWith('prix suspect'));
    const incomplete = SEED_DEVIS.filter((d) => note(d).startsWith('mentions manquantes'));
    const long = SEED_DEVIS.filter((d) => d.lines.length >= 20);
    expect([suspicious.length, incomplete.length, long.length]).toEqual([1, 1, 1]);

    const [bad] = incomplete;
    expect(bad.company.siret).toBeUndefined();
    expect(bad.validUntil).toBeUndefined();
    expect(bad.lines.map((l) => l.description)).toContain('Travaux divers');
  });

  it('give every other company a valid SIRET and a validity date', () => {
    for (const d of SEED_DEVIS.filter((x) => !note(x).startsWith('mentions manquantes'))) {
      expect({ ref: d.reference, ok: isValidSiret(d.company.siret ?? '') }).toEqual({
        ref: d.reference,
        ok: true,
      });
      expect(d.validUntil).toBeDefined();
    }
  });
});
