import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { validateEvent } from '@/lib/events/schema';
import { parseText, readRecords } from './index';
import { chunked, collect, okRecords, tempDir } from './test-helpers';
import { MAX_RECORD_CHARS } from './types';

const tmp = tempDir('jsonl');
afterAll(() => tmp.cleanup());

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  occurred_at: '2026-01-15T09:30:00.123Z',
  action: 'user.update',
  actor: { id: 'u-1', name: 'Ada' },
  changes: [{ field: 'role', old: 'viewer', new: 'admin' }],
  ...extra,
});
const jsonl = (text: string, sizes?: number[]) => collect(parseText(chunked(text, sizes), 'jsonl'));

describe('JSONL', () => {
  it('reads one event per line in the wire format, skipping blank lines', async () => {
    const text = [
      '',
      JSON.stringify(event('a')),
      '   ',
      '\t',
      JSON.stringify(event('b')),
      '',
      '',
    ].join('\n');
    const records = await jsonl(text);
    expect(records).toEqual([
      { ok: true, line: 2, event: event('a'), flags: [] },
      { ok: true, line: 5, event: event('b'), flags: [] },
    ]);
    for (const r of okRecords(records)) expect(validateEvent(r.event, 0).ok).toBe(true);
  });

  it('reports a line that is not JSON with its number and reads on', async () => {
    const text = [
      JSON.stringify(event('a')),
      '{"id": "b", oops}',
      '',
      JSON.stringify(event('c')),
      '[1,2]',
      '"str"',
      'null',
      JSON.stringify(event('d')),
    ].join('\r\n');
    for (const sizes of [undefined, [1], [5, 11]]) {
      const records = await jsonl(text, sizes);
      expect(records.map((r) => [r.line, r.ok ? r.event.id : r.reason])).toEqual([
        [1, 'a'],
        [2, expect.stringMatching(/^invalid JSON: .+/)],
        [4, 'c'],
        [5, 'not a JSON object (found an array)'],
        [6, 'not a JSON object (found a string)'],
        [7, 'not a JSON object (found null)'],
        [8, 'd'],
      ]);
      expect(records[1]).toMatchObject({ ok: false, raw: '{"id": "b", oops}' });
    }
  });

  it('flags an actor IP that is not an IP address and keeps the event as given', async () => {
    const records = okRecords(
      await jsonl(
        [
          JSON.stringify(event('a', { actor: { ip: '225.01.00.16' } })),
          JSON.stringify(event('b', { actor: { ip: 'ssm.amazonaws.com' } })),
          JSON.stringify(event('c', { actor: { ip: '2001:db8::1' } })),
        ].join('\n'),
      ),
    );
    expect(records.map((r) => [r.event.actor.ip, r.flags])).toEqual([
      ['225.01.00.16', ['invalid_ip:225.01.00.16']],
      ['ssm.amazonaws.com', ['ip_is_hostname:ssm.amazonaws.com']],
      ['2001:db8::1', []],
    ]);
  });

  it('keeps hostile values exactly, including escapes that UTF-8 cannot carry', async () => {
    const values = [
      'lone\uD800surrogate',
      'nul\u0000',
      'line\u2028sep',
      '\x1b[31m',
      '{"__proto__":{"isAdmin":true}}',
      'a\r\nb',
    ];
    const text = values.map((v, i) => JSON.stringify(event(`h${i}`, { reason: v }))).join('\n');
    writeFileSync(tmp.file('hostile.jsonl'), text);
    const records = okRecords(await collect(readRecords(tmp.file('hostile.jsonl'), 'jsonl')));
    expect(records.map((r) => r.event.reason)).toEqual(values);
    const proto = okRecords(await jsonl('{"id":"p","__proto__":{"isAdmin":true},"actor":{}}'))[0]!
      .event;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect((proto as unknown as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('refuses an overlong line without buffering it and reads on', async () => {
    const long = `{"id": "${'x'.repeat(MAX_RECORD_CHARS + 10)}"}`;
    const records = await jsonl([long, JSON.stringify(event('after'))].join('\n'), [65_536]);
    expect(records[0]).toMatchObject({
      ok: false,
      line: 1,
      reason: expect.stringMatching(/^line is longer than/),
    });
    expect((records[0] as { raw: string }).raw.length).toBeLessThanOrEqual(10_000);
    expect(records[1]).toMatchObject({ ok: true, line: 2, event: { id: 'after' } });
  });

  it('reads gzipped files, by extension or by magic bytes', async () => {
    const text = `${JSON.stringify(event('a'))}\n${JSON.stringify(event('b'))}\n`;
    writeFileSync(tmp.file('events.jsonl.gz'), gzipSync(text));
    writeFileSync(tmp.file('events.upload'), gzipSync(text));
    // Two concatenated gzip members are one stream (as `cat a.gz b.gz` produces).
    writeFileSync(tmp.file('two-members.gz'), Buffer.concat([gzipSync(text), gzipSync(text)]));
    for (const name of ['events.jsonl.gz', 'events.upload']) {
      expect(
        (await collect(readRecords(tmp.file(name), 'jsonl'))).map((r) => r.ok && r.event.id),
      ).toEqual(['a', 'b']);
    }
    expect(
      (await collect(readRecords(tmp.file('two-members.gz'), 'jsonl'))).map((r) => r.line),
    ).toEqual([1, 2, 3, 4]);
  });

  it('stops cleanly when the caller stops early', async () => {
    writeFileSync(
      tmp.file('early.jsonl'),
      `${JSON.stringify(event('a'))}\n${JSON.stringify(event('b'))}\n`,
    );
    const seen: string[] = [];
    for await (const r of readRecords(tmp.file('early.jsonl'), 'jsonl')) {
      if (r.ok) seen.push(r.event.id);
      break;
    }
    expect(seen).toEqual(['a']);
  });

  it('throws for a missing file', async () => {
    await expect(collect(readRecords(tmp.file('missing.jsonl'), 'jsonl'))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it('streams a 200,000-line file (plain and gzipped)', async () => {
    const file = tmp.file('big.jsonl');
    const out = createWriteStream(file);
    const lines = 200_000;
    for (let i = 1; i <= lines; i++) {
      const line =
        i % 50_000 === 0
          ? 'not json'
          : JSON.stringify(event(`e${i}`, { actor: { ip: i % 2 ? '10.0.0.1' : '010.0.0.1' } }));
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    await pipeline(createReadStream(file), createGzip(), createWriteStream(`${file}.gz`));

    for (const name of [file, `${file}.gz`]) {
      let ok = 0;
      let bad = 0;
      let flagged = 0;
      let lastLine = 0;
      for await (const r of readRecords(name, 'jsonl')) {
        if (r.ok) {
          ok++;
          if (r.flags.length) flagged++;
          if (r.event.id !== `e${r.line}`) throw new Error(`line ${r.line} has id ${r.event.id}`);
        } else {
          bad++;
          expect(r.line % 50_000).toBe(0);
        }
        lastLine = r.line;
      }
      expect([ok, bad, lastLine]).toEqual([lines - 4, 4, lines]);
      expect(flagged).toBe(lines / 2 - 4);
    }
  }, 60_000);
});
