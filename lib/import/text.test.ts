import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeText, splitLines } from './text';

async function* bytes(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}
async function text(source: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const s of source) out += s;
  return out;
}

describe('decodeText', () => {
  it('decodes UTF-8 split inside a character and drops a byte-order mark', async () => {
    const buf = Buffer.from('\uFEFFé😀 ok', 'utf8');
    const parts = Array.from(buf, (b) => Uint8Array.of(b)); // one byte per chunk
    expect(await text(decodeText(bytes(...parts)))).toBe('é😀 ok');
  });

  it('gunzips on the magic bytes even when they arrive in separate chunks', async () => {
    const gz = gzipSync('hello\nworld');
    expect(await text(decodeText(bytes(gz.subarray(0, 1), gz.subarray(1))))).toBe('hello\nworld');
    expect(await text(decodeText(bytes(Buffer.from('\x1fplain'))))).toBe('\x1fplain');
    expect(await text(decodeText(bytes()))).toBe('');
  });

  it('throws when a file named .gz is not gzip', async () => {
    await expect(
      text(decodeText(bytes(Buffer.from('plain text')), { gzip: true })),
    ).rejects.toThrow();
  });
});

describe('splitLines', () => {
  it('splits on LF only, keeps CR, numbers lines and caps long ones', async () => {
    async function* src() {
      yield 'a\r\nbb';
      yield 'b\n\nlast';
    }
    const lines = [];
    for await (const l of splitLines(src(), 2)) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: 'a\r', dropped: 0 },
      { line: 2, text: 'bb', dropped: 1 },
      { line: 3, text: '', dropped: 0 },
      { line: 4, text: 'la', dropped: 2 },
    ]);
  });
});
