/**
 * Timesheet limits, in one place: the DTOs, the service and the assistant instructions read them
 * from here. Constants only, no imports (config may import this leaf).
 */
export const TIMESHEET_RULES = {
  /** Customers, projects, phases, activities and kinds: characters once cleaned. */
  name: { minLength: 1, maxLength: 120 },
  /** The free text of a time entry. */
  commentMaxLength: 500,
  /** One entry: 1 minute to 24 hours, whole minutes. */
  durationMinutes: { min: 1, max: 1_440 },
  /** All of a person's entries on one day (their time zone's day). */
  dayCapMinutes: 1_440,
  /** Dates are calendar days `YYYY-MM-DD` of the person's time zone, from `min` to today. */
  date: { pattern: /^\d{4}-\d{2}-\d{2}$/, example: '2026-12-02', min: '2000-01-01' },
  /** A person's time zone (IANA name) when they set none. */
  timeZone: { default: 'Europe/Paris', maxLength: 64 },
  /** Entries without `billable` are billable. */
  billableByDefault: true,
  /** Listings and summaries span at most this many days. */
  maxRangeDays: 366,
  entriesPage: { max: 500, default: 100 },
  /** A CSV export holds at most this many entries: a wider filter is refused (narrow it). */
  exportMaxEntries: 20_000,
  /** Hierarchy listings (a person's customers, projects…): at most this many rows. */
  listLimit: 200,
  /** A name that matches several items: the error names this many of them. */
  ambiguousShown: 5,
  /** Same as the GPT actions' Idempotency-Key: 1-255 visible ASCII characters. */
  idempotencyKey: { pattern: /^[\x21-\x7e]{1,255}$/, maxLength: 255 },
} as const;
