/** Pure money rules of a devis: integer cents, TVA per rate, rounding half away from zero. */

export interface LineAmounts {
  quantity: number;
  unitPriceHtCents: number;
  tvaRateBp: number;
}

export interface TvaBucket {
  tvaRateBp: number;
  baseHtCents: number;
  tvaCents: number;
}

export interface DevisTotals {
  totalHtCents: number;
  totalTvaCents: number;
  totalTtcCents: number;
  tvaBreakdown: TvaBucket[];
}

/** quantity has at most 3 decimals: work in thousandths so no float error leaks into cents. */
export function lineTotalHtCents(quantity: number, unitPriceHtCents: number): number {
  const milli = Math.round(quantity * 1000);
  return Math.round((milli * unitPriceHtCents) / 1000);
}

/** TVA is computed per rate on the sum of that rate's lines, as on a French invoice. */
export function computeTotals(lines: LineAmounts[]): DevisTotals {
  const buckets = new Map<number, TvaBucket>();
  for (const line of lines) {
    const bucket = buckets.get(line.tvaRateBp) ?? {
      tvaRateBp: line.tvaRateBp,
      baseHtCents: 0,
      tvaCents: 0,
    };
    bucket.baseHtCents += lineTotalHtCents(line.quantity, line.unitPriceHtCents);
    buckets.set(line.tvaRateBp, bucket);
  }
  const tvaBreakdown = [...buckets.values()]
    .map((b) => ({ ...b, tvaCents: Math.round((b.baseHtCents * b.tvaRateBp) / 10_000) }))
    .sort((a, b) => a.tvaRateBp - b.tvaRateBp);
  const totalHtCents = tvaBreakdown.reduce((s, b) => s + b.baseHtCents, 0);
  const totalTvaCents = tvaBreakdown.reduce((s, b) => s + b.tvaCents, 0);
  return { totalHtCents, totalTvaCents, totalTtcCents: totalHtCents + totalTvaCents, tvaBreakdown };
}

/** 20 → 2000 basis points; 5.5 → 550. */
export const percentToBp = (percent: number) => Math.round(percent * 100);
export const bpToPercent = (bp: number) => bp / 100;

const EUR = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
/** 123456 → "1 234,56 €" (French formatting, for a model to quote to a French user). */
export const formatEuros = (cents: number) =>
  EUR.format(cents / 100).replace(/\u202f|\u00a0/g, ' ');

/** SIRET: 14 digits with a Luhn checksum (La Poste's establishments use a digit-sum rule). */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith('356000000')) {
    return [...siret].reduce((s, d) => s + Number(d), 0) % 5 === 0;
  }
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(siret[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
