import {
  computeTotals,
  formatEuros,
  isValidSiret,
  lineTotalHtCents,
  percentToBp,
} from './devis-math';

describe('devis money rules', () => {
  it('multiplies quantity (3 decimals) by unit price in cents without float drift', () => {
    expect(lineTotalHtCents(12.5, 4_590)).toBe(57_375);
    expect(lineTotalHtCents(0.333, 100)).toBe(33);
    expect(lineTotalHtCents(1.005, 1_000)).toBe(1_005);
    expect(lineTotalHtCents(3, 1_999)).toBe(5_997);
  });

  it('computes TVA per rate and TTC = HT + TVA', () => {
    const totals = computeTotals([
      { quantity: 1, unitPriceHtCents: 100_000, tvaRateBp: percentToBp(10) },
      { quantity: 2, unitPriceHtCents: 33_333, tvaRateBp: percentToBp(10) },
      { quantity: 1, unitPriceHtCents: 50_000, tvaRateBp: percentToBp(20) },
      { quantity: 10, unitPriceHtCents: 1_234, tvaRateBp: percentToBp(5.5) },
    ]);
    expect(totals.tvaBreakdown).toEqual([
      { tvaRateBp: 550, baseHtCents: 12_340, tvaCents: 679 },
      { tvaRateBp: 1000, baseHtCents: 166_666, tvaCents: 16_667 },
      { tvaRateBp: 2000, baseHtCents: 50_000, tvaCents: 10_000 },
    ]);
    expect(totals.totalHtCents).toBe(229_006);
    expect(totals.totalTvaCents).toBe(27_346);
    expect(totals.totalTtcCents).toBe(256_352);
  });

  it('formats euros the French way', () => {
    expect(formatEuros(123_456)).toBe('1 234,56 €');
  });

  it('checks SIRET numbers', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('73282932000075')).toBe(false);
    expect(isValidSiret('7328293200007')).toBe(false);
  });
});
