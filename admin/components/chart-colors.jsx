/** The back-office charts' series colours (dashboard, timesheets week), in order of use. */
export const COLORS = [
  '#3040d6',
  '#e0762c',
  '#2aa876',
  '#c2397d',
  '#8c6cd9',
  '#b59a1a',
  '#3a9fc0',
  '#7a7a7a',
];

/** The colour of the k-th series (they repeat after eight). */
export const seriesColor = (k) => COLORS[k % COLORS.length];
