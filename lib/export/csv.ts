/**
 * RFC 4180 CSV for exports: every field quoted, quotes doubled, CRLF between records. A cell
 * that a spreadsheet would run as a formula — starting with = + - @, a tab or a carriage return,
 * or their full-width forms — is prefixed with a single quote (OWASP, security.md 17), so it
 * opens as text. Nothing else is changed.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRecord(values: unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
