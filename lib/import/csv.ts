import type { EventInput } from '@/lib/events/schema';
import { wireFlags } from './jsonl';
import { splitLines, type TextLine } from './text';
import { cutRaw, MAX_RECORD_CHARS, type ParsedRecord } from './types';

/**
 * CSV import (RFC 4180). The first non-blank row is the header; every following row is one
 * event with at most one change:
 *
 *   id, occurred_at, action, outcome, actor_id, actor_name, actor_email, actor_type, actor_ip,
 *   actor_user_agent, actor_time_zone, target_type, target_id, target_label, field, old, new,
 *   request_id, session_id, reason, metadata
 *
 * - Column order is free; header names are matched after trimming, case-insensitively. An
 *   unknown, empty or repeated column name, or a missing id / occurred_at / action column,
 *   refuses the whole file (the generator throws before yielding anything).
 * - Cells are taken verbatim (no trimming). An empty cell is null (or absent, for id,
 *   occurred_at, action, outcome and actor_type, so the schema's "is required" / default applies).
 * - `old` / `new`: parsed as JSON when the cell is valid JSON without surrounding whitespace
 *   (`42`, `true`, `null`, `"text"`, `{"a":1}`), otherwise taken as the literal string. So the
 *   string "42" must be written as the JSON string `"42"` (in CSV: `"""42"""`). An integer
 *   beyond 2^53 or a number that overflows is kept as the literal string (no silent precision
 *   loss) and flagged `number_kept_as_string:<column>`.
 * - `field` empty with `old`/`new` set yields a change with an empty field, which validation
 *   rejects, rather than dropping the values.
 * - `metadata`: a JSON object or empty; anything else makes the row `ok: false`.
 * - Rows sharing the same id are NOT merged: each row is its own event (so two rows with one id
 *   and different changes are two events with one id, which ingest reports as a conflict).
 *   Write an event with several changes as JSONL instead.
 *
 * Reading: quoted fields may hold commas, doubled quotes and line breaks (kept exactly, CRLF
 * inside quotes stays CRLF); rows end with LF or CRLF; a lone CR outside quotes is data.
 * Empty lines between rows are skipped. A malformed row (a quote inside an unquoted field,
 * text after a closing quote, an unterminated quote, a wrong number of cells) is `ok: false` at
 * the line where it starts, and reading goes on. When a quoting error spans several lines
 * (typically a quote that was never closed), the lines after the first are read again as new
 * rows, so one stray quote costs one row, not the rest of the file.
 */

export const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'action',
  'outcome',
  'actor_id',
  'actor_name',
  'actor_email',
  'actor_type',
  'actor_ip',
  'actor_user_agent',
  'actor_time_zone',
  'target_type',
  'target_id',
  'target_label',
  'field',
  'old',
  'new',
  'request_id',
  'session_id',
  'reason',
  'metadata',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: CsvColumn[] = ['id', 'occurred_at', 'action'];

export type CsvRow =
  | { line: number; raw: string; cells: string[]; error?: undefined }
  | { line: number; raw: string; error: string; cells?: undefined };

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;

const State = {
  Start: 0, // at the beginning of a cell
  Unquoted: 1,
  Quoted: 2,
  QuoteInQuoted: 3, // saw `"` inside a quoted cell: either `""` or the closing quote
} as const;
type State = (typeof State)[keyof typeof State];

/** Reads one CSV record, which may span several physical lines. */
class RecordParser {
  cells: string[] = [];
  field = '';
  state: State = State.Start;
  error: string | null = null;
  /** The error is a quoting error (stray or missing quote), which justifies resynchronising. */
  quotingError = false;
  chars = 0;

  private fail(message: string) {
    if (this.error === null) {
      this.error = message;
      this.quotingError = true;
    }
  }

  private endCell() {
    this.cells.push(this.field);
    this.field = '';
    this.state = State.Start;
  }

  /** Feeds one physical line (without `\n`); returns true when the record is complete. */
  feed(text: string): boolean {
    this.chars += text.length + 1;
    const n = text.length;
    const crAtEnd = n > 0 && text.charCodeAt(n - 1) === CR;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Start:
          if (text.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            i++;
          } else this.state = State.Unquoted;
          break;
        case State.Unquoted: {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === COMMA || c === QUOTE) break;
            j++;
          }
          this.field += text.slice(i, j);
          if (j === n) {
            i = n;
          } else if (text.charCodeAt(j) === COMMA) {
            this.endCell();
            i = j + 1;
          } else {
            this.fail(`quote inside an unquoted cell (cell ${this.cells.length + 1})`);
            this.field += '"';
            i = j + 1;
          }
          break;
        }
        case State.Quoted: {
          const j = text.indexOf('"', i);
          if (j === -1) {
            this.field += text.slice(i);
            i = n;
          } else {
            this.field += text.slice(i, j);
            this.state = State.QuoteInQuoted;
            i = j + 1;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.endCell();
            i++;
          } else if (c === CR && i === n - 1) {
            i++; // CRLF row end
          } else {
            this.fail(`text after the closing quote (cell ${this.cells.length + 1})`);
            this.state = State.Unquoted;
          }
          break;
        }
      }
    }
    if (this.state === State.Quoted) {
      this.field += '\n';
      return false;
    }
    // The CR of a CRLF row end is not part of an unquoted last cell.
    if (this.state === State.Unquoted && crAtEnd) this.field = this.field.slice(0, -1);
    this.cells.push(this.field);
    this.field = '';
    return true;
  }
}

/**
 * Reads CSV records (RFC 4180, see the module comment). Yields cells, or an error for a
 * malformed record; the line is where the record starts.
 */
export async function* readCsvRows(chunks: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  const source = splitLines(chunks, MAX_RECORD_CHARS)[Symbol.asyncIterator]();
  // Lines to read again after a quoting error that spanned several lines.
  let pending: TextLine[] = [];
  let pendingAt = 0;
  const nextLine = async (): Promise<TextLine | null> => {
    if (pendingAt < pending.length) return pending[pendingAt++]!;
    if (pending.length) {
      pending = [];
      pendingAt = 0;
    }
    const r = await source.next();
    return r.done ? null : r.value;
  };
  const rawOf = (lines: TextLine[]) => {
    const text = lines.map((l) => l.text).join('\n');
    return cutRaw(text.endsWith('\r') ? text.slice(0, -1) : text);
  };
  const resync = (lines: TextLine[]) => {
    pending = [...lines.slice(1), ...pending.slice(pendingAt)];
    pendingAt = 0;
  };

  try {
    for (;;) {
      const first = await nextLine();
      if (first === null) return;
      if (first.dropped === 0 && (first.text === '' || first.text === '\r')) continue; // blank line
      const lines: TextLine[] = [first];
      const parser = new RecordParser();
      let line: TextLine | null = first;
      let complete = false;
      let tooLong = false;
      for (;;) {
        if (line.dropped > 0) {
          tooLong = true;
          break;
        }
        complete = parser.feed(line.text);
        if (complete) break;
        if (parser.chars > MAX_RECORD_CHARS) {
          tooLong = true;
          break;
        }
        line = await nextLine();
        if (line === null) break;
        lines.push(line);
      }
      const start = first.line;
      if (tooLong) {
        const reason =
          lines.length > 1
            ? `unterminated quoted cell: the row runs past ${MAX_RECORD_CHARS} characters`
            : `row is longer than ${MAX_RECORD_CHARS} characters`;
        yield { line: start, raw: rawOf(lines), error: reason };
        if (lines.length > 1) resync(lines);
        continue;
      }
      if (!complete) {
        yield {
          line: start,
          raw: rawOf(lines),
          error: 'unterminated quoted cell (the file ends inside quotes)',
        };
        resync(lines);
        continue;
      }
      if (parser.error !== null) {
        yield { line: start, raw: rawOf(lines), error: parser.error };
        if (parser.quotingError && lines.length > 1) resync(lines);
        continue;
      }
      yield { line: start, raw: rawOf(lines), cells: parser.cells };
    }
  } finally {
    await source.return?.(undefined);
  }
}

/** Maps the header row to column positions, or throws naming the offending column. */
export function csvHeader(cells: string[]): Map<CsvColumn, number> {
  const known = new Set<string>(CSV_COLUMNS);
  const index = new Map<CsvColumn, number>();
  const unknown: string[] = [];
  cells.forEach((cell, i) => {
    const name = cell.trim().toLowerCase();
    if (name === '') throw new Error(`CSV header: column ${i + 1} has no name`);
    if (!known.has(name)) {
      unknown.push(JSON.stringify(cell));
      return;
    }
    if (index.has(name as CsvColumn)) throw new Error(`CSV header: column "${name}" appears twice`);
    index.set(name as CsvColumn, i);
  });
  if (unknown.length) {
    throw new Error(
      `CSV header: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${CSV_COLUMNS.join(', ')})`,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !index.has(c));
  if (missing.length)
    throw new Error(
      `CSV header: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  return index;
}

/** `old`/`new` cell: JSON when it is valid JSON, else the literal string; empty is null. */
export function csvValue(cell: string, column: string, flags: string[]): unknown {
  if (cell === '') return null;
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (cell === 'null') return null;
  // Only objects, arrays, strings and numbers remain; skip JSON.parse (and its costly exception)
  // for text that cannot be one of them.
  if (!/^[[{"\-0-9]/.test(cell) || cell !== cell.trim()) return cell;
  let value: unknown;
  try {
    value = JSON.parse(cell);
  } catch {
    return cell;
  }
  if (
    typeof value === 'number' &&
    (!Number.isFinite(value) || (/^-?\d+$/.test(cell) && !Number.isSafeInteger(value)))
  ) {
    flags.push(`number_kept_as_string:${column}`);
    return cell;
  }
  return value;
}

type RowResult = { ok: true; event: EventInput; flags: string[] } | { ok: false; reason: string };

/** Turns one data row into an event (not validated). */
export function csvRowToEvent(cells: string[], header: Map<CsvColumn, number>): RowResult {
  if (cells.length !== header.size) {
    return {
      ok: false,
      reason: `expected ${header.size} cells (one per header column), found ${cells.length}`,
    };
  }
  const cell = (column: CsvColumn): string => {
    const i = header.get(column);
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const text = (column: CsvColumn): string | null => cell(column) || null;
  const flags: string[] = [];

  let metadata: Record<string, unknown> | undefined;
  const metadataCell = cell('metadata');
  if (metadataCell !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(metadataCell);
    } catch (err) {
      return { ok: false, reason: `metadata: invalid JSON: ${(err as Error).message}` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, reason: 'metadata: must be a JSON object or empty' };
    }
    metadata = parsed as Record<string, unknown>;
  }

  const field = cell('field');
  const oldCell = cell('old');
  const newCell = cell('new');
  const changes =
    field === '' && oldCell === '' && newCell === ''
      ? []
      : [{ field, old: csvValue(oldCell, 'old', flags), new: csvValue(newCell, 'new', flags) }];

  const event: Record<string, unknown> = {};
  for (const key of ['id', 'occurred_at', 'action', 'outcome'] as const) {
    const v = cell(key);
    if (v !== '') event[key] = v;
  }
  const actorType = cell('actor_type');
  event.actor = {
    id: text('actor_id'),
    name: text('actor_name'),
    email: text('actor_email'),
    ...(actorType !== '' ? { type: actorType } : {}),
    ip: text('actor_ip'),
    user_agent: text('actor_user_agent'),
    time_zone: text('actor_time_zone'),
  };
  event.target = { type: text('target_type'), id: text('target_id'), label: text('target_label') };
  event.changes = changes;
  event.request_id = text('request_id');
  event.session_id = text('session_id');
  event.reason = text('reason');
  if (metadata !== undefined) event.metadata = metadata;

  return {
    ok: true,
    event: event as unknown as EventInput,
    flags: [...wireFlags(event), ...flags],
  };
}

/** CSV import: header, then one event per row. Throws (before any record) on a bad header. */
export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<ParsedRecord> {
  let header: Map<CsvColumn, number> | null = null;
  for await (const row of readCsvRows(chunks)) {
    if (header === null) {
      if (row.error !== undefined)
        throw new Error(`CSV header (line ${row.line}) is malformed: ${row.error}`);
      header = csvHeader(row.cells);
      continue;
    }
    if (row.error !== undefined) {
      yield { ok: false, line: row.line, reason: row.error, raw: row.raw };
      continue;
    }
    const result = csvRowToEvent(row.cells, header);
    if (result.ok) yield { ok: true, line: row.line, event: result.event, flags: result.flags };
    else yield { ok: false, line: row.line, reason: result.reason, raw: row.raw };
  }
}
