/** A value a spreadsheet would run as a formula when the cell starts with it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, safe to open in Excel, LibreOffice or Google Sheets: a leading =, +, -, @, tab or CR
 * gets a single quote in front (OWASP's advice against formula injection), and a cell holding a comma,
 * quote or line break is quoted with its quotes doubled.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (RFC 4180 ends lines with CRLF). */
export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
