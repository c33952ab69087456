/**
 * File parsers for the bulk importer: pure and streaming. They turn a file into events in the
 * wire format of lib/events/schema.ts without validating them (the caller runs validateEvent on
 * each `ok: true` record) and without touching the database.
 *
 * - jsonl: see ./jsonl.ts; csv: see ./csv.ts (column list, value rules, malformed rows);
 *   cloudtrail: see ./cloudtrail.ts (field mapping, target table, secret redaction, flags).
 * - Files ending in .gz or starting with the gzip magic bytes are gunzipped on the fly.
 * - Memory stays bounded by one record (capped at MAX_RECORD_CHARS) for every format; a
 *   CloudTrail document is scanned record by record, never parsed whole.
 * - `line` is the 1-based line (of the decompressed text) on which the record starts; for
 *   CloudTrail, the line of the record's opening `{` (all records of a single-line document
 *   report line 1).
 * - A file that cannot be read as a whole (a CSV header with an unknown or missing column, a
 *   document that is not CloudTrail JSON, a corrupt gzip stream, a missing file) makes the
 *   generator throw; records yielded before that remain valid.
 */
import { readCloudTrail } from './cloudtrail';
import { readCsv } from './csv';
import { readJsonl } from './jsonl';
import { readFileText } from './text';
import type { ImportFormat, ParsedRecord } from './types';

export type { ImportFormat, ParsedRecord } from './types';
export { MAX_RAW_CHARS, MAX_RECORD_CHARS } from './types';
export { CSV_COLUMNS } from './csv';
export { cloudTrailToEvent } from './cloudtrail';
export { decodeText, readFileText } from './text';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['jsonl', 'csv', 'cloudtrail'];

/** Parses text chunks (already decompressed and decoded) in the given format. */
export function parseText(
  chunks: AsyncIterable<string>,
  format: ImportFormat,
): AsyncGenerator<ParsedRecord> {
  switch (format) {
    case 'jsonl':
      return readJsonl(chunks);
    case 'csv':
      return readCsv(chunks);
    case 'cloudtrail':
      return readCloudTrail(chunks);
    default: {
      const never: never = format;
      throw new Error(`unknown import format: ${String(never)}`);
    }
  }
}

/** Reads the records of an import file, one at a time. */
export function readRecords(file: string, format: ImportFormat): AsyncGenerator<ParsedRecord> {
  return parseText(readFileText(file), format);
}
