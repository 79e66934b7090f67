/**
 * CSV as RFC 4180 says (comma-separated, CRLF line ends, a field with a comma, a quote or a line
 * break quoted, quotes doubled), UTF-8 with a byte-order mark so that Excel reads the accents.
 * A text cell beginning with = + - @ (or a tab or carriage return) gets a leading apostrophe:
 * a spreadsheet would otherwise run it as a formula (OWASP "CSV injection").
 */

export type CsvCell = string | number | boolean | null | undefined;

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers and booleans as they are, text defused and quoted when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: CsvCell[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** The whole document: BOM, header line, one line per row. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return BOM + csvLine(header) + rows.map(csvLine).join('');
}
