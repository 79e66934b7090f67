/**
 * Devis limits, in one place: the devis DTOs and the GPT's devis queries read them from here.
 * Constants only, no imports.
 */
export const DEVIS_RULES = {
  /** References: 3-40 letters, digits, -, _ or /; unique, case-insensitive. */
  reference: { pattern: /^[A-Za-z0-9][A-Za-z0-9_/-]{2,39}$/, maxLength: 40 },
  titleMaxLength: 200,
  /** A company's or a client's name (also the longest company search). */
  partyNameMaxLength: 200,
  cityMaxLength: 100,
  /** Lines per devis (and the highest position). */
  maxLines: 500,
  line: {
    descriptionMaxLength: 500,
    unitMaxLength: 16,
    quantity: { min: 0.001, max: 1_000_000, maxDecimals: 3 },
  },
  /** One billion euros, in cents: the highest unit price. */
  maxCents: 100_000_000_000,
  list: { maxPage: 10_000, pageSize: { max: 100, default: 20 } },
} as const;
