import { ipFlags } from '@/lib/events/flags';
import type { EventInput } from '@/lib/events/schema';
import { splitLines } from './text';
import { cutRaw, MAX_RECORD_CHARS, type ParsedRecord } from './types';

/** Flags for an event in the wire format (JSONL, CSV): an actor IP that is not an IP address. */
export function wireFlags(event: unknown): string[] {
  if (typeof event !== 'object' || event === null) return [];
  const actor = (event as { actor?: unknown }).actor;
  if (typeof actor !== 'object' || actor === null) return [];
  const ip = (actor as { ip?: unknown }).ip;
  return typeof ip === 'string' ? ipFlags(ip) : [];
}

/**
 * JSONL: one event per line, exactly in the wire format of lib/events/schema.ts. Blank lines
 * (empty or whitespace only) are skipped; a trailing `\r` (CRLF files) is ignored. A line that is
 * not JSON, or is JSON but not an object, is `ok: false`; the lines after it are still read.
 */
export async function* readJsonl(chunks: AsyncIterable<string>): AsyncGenerator<ParsedRecord> {
  for await (const { line, text: rawText, dropped } of splitLines(chunks, MAX_RECORD_CHARS)) {
    const text = rawText.endsWith('\r') ? rawText.slice(0, -1) : rawText;
    if (dropped > 0) {
      yield {
        ok: false,
        line,
        reason: `line is longer than ${MAX_RECORD_CHARS} characters (${text.length + dropped})`,
        raw: cutRaw(text),
      };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield {
        ok: false,
        line,
        reason: `invalid JSON: ${(err as Error).message}`,
        raw: cutRaw(text),
      };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind =
        value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      yield { ok: false, line, reason: `not a JSON object (found ${kind})`, raw: cutRaw(text) };
      continue;
    }
    yield { ok: true, line, event: value as EventInput, flags: wireFlags(value) };
  }
}
