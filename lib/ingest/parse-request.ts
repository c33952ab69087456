import { validateEvent, type EventProblem, type ValidEvent } from '@/lib/events/schema';

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type ParseFailure = {
  ok: false;
  status: 400 | 413 | 415 | 422;
  error: string;
  errors?: EventProblem[];
};
export type ParsedBatch = { ok: true; events: ValidEvent[] } | ParseFailure;

/**
 * Parses an ingest request body: `{"events": [...]}` as application/json, or one event per line
 * as application/x-ndjson. Validates every event and reports each bad one (index, field,
 * message); the caller stores nothing unless all are valid.
 */
export function parseBatch(contentType: string | null, body: string): ParsedBatch {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let raw: unknown[];
  if (
    type === 'application/x-ndjson' ||
    type === 'application/jsonl' ||
    type === 'application/ndjson'
  ) {
    raw = [];
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      try {
        raw.push(JSON.parse(line));
      } catch (error) {
        return {
          ok: false,
          status: 400,
          error: `line ${i + 1} is not valid JSON: ${(error as Error).message}`,
        };
      }
      if (raw.length > MAX_EVENTS_PER_REQUEST) break;
    }
  } else if (type === 'application/json' || type === '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return {
        ok: false,
        status: 400,
        error: `the body is not valid JSON: ${(error as Error).message}`,
      };
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      !Array.isArray((parsed as { events?: unknown }).events)
    ) {
      return { ok: false, status: 400, error: 'the body must be a JSON object {"events": [...]}' };
    }
    const extra = Object.keys(parsed).filter((k) => k !== 'events');
    if (extra.length)
      return { ok: false, status: 400, error: `unknown top-level field: ${extra.join(', ')}` };
    raw = (parsed as { events: unknown[] }).events;
  } else {
    return {
      ok: false,
      status: 415,
      error: 'Content-Type must be application/json or application/x-ndjson',
    };
  }
  if (raw.length === 0) return { ok: false, status: 400, error: 'no events in the request' };
  if (raw.length > MAX_EVENTS_PER_REQUEST) {
    return {
      ok: false,
      status: 413,
      error: `at most ${MAX_EVENTS_PER_REQUEST} events per request`,
    };
  }
  const events: ValidEvent[] = [];
  const errors: EventProblem[] = [];
  raw.forEach((item, index) => {
    const result = validateEvent(item, index);
    if (result.ok) events.push(result.event);
    else errors.push(...result.problems);
  });
  if (errors.length) {
    const bad = new Set(errors.map((e) => e.index)).size;
    return {
      ok: false,
      status: 422,
      error: `${bad} of ${raw.length} events are invalid; nothing was stored`,
      errors,
    };
  }
  return { ok: true, events };
}
