import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ParsedRecord } from './types';

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix: string): {
  dir: string;
  file: (name: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), `whochanged-${prefix}-`));
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function collect(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

/** Feeds text in pieces of the given sizes (cycled), to exercise chunk boundaries. */
export async function* chunked(
  text: string,
  sizes: number[] = [text.length || 1],
): AsyncGenerator<string> {
  let at = 0;
  let k = 0;
  while (at < text.length) {
    const size = Math.max(1, sizes[k++ % sizes.length]!);
    yield text.slice(at, at + size);
    at += size;
  }
}

export function okRecords(records: ParsedRecord[]) {
  return records.filter((r): r is Extract<ParsedRecord, { ok: true }> => r.ok);
}
export function badRecords(records: ParsedRecord[]) {
  return records.filter((r): r is Extract<ParsedRecord, { ok: false }> => !r.ok);
}
