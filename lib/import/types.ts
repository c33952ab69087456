import type { EventInput } from '@/lib/events/schema';

export type ImportFormat = 'jsonl' | 'csv' | 'cloudtrail';

/**
 * One record read from an import file. `event` is NOT validated yet: the caller runs
 * `validateEvent` on it. `ok: false` is a record that cannot be turned into an event at all
 * (bad JSON, a malformed CSV row, a CloudTrail record without eventID, ...).
 * `flags` mark values kept exactly as given that are not valid as they stand
 * (`invalid_ip:<v>`, `ip_is_hostname:<v>`, `unusual_region:<v>`, ...).
 */
export type ParsedRecord =
  | { ok: true; line: number; event: EventInput; flags: string[] }
  | { ok: false; line: number; reason: string; raw: string };

/** `raw` of a rejected record is cut to this many characters (it is for display, not replay). */
export const MAX_RAW_CHARS = 10_000;

/**
 * No single record (JSONL line, CSV row, CloudTrail record) may exceed this many characters.
 * An event is at most 256 KB on the wire, so anything this big cannot be valid; the cap keeps a
 * file without line breaks (or with an unterminated quote) from being buffered whole.
 */
export const MAX_RECORD_CHARS = 4 * 1024 * 1024;

export function cutRaw(text: string): string {
  return text.length > MAX_RAW_CHARS ? text.slice(0, MAX_RAW_CHARS) : text;
}
