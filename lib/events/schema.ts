import { z } from 'zod';

/**
 * The wire format of one audit event, as sources send it (HTTP API, JSONL import) and as the
 * CSV and CloudTrail importers produce it. Documented in the README with a full example.
 * Strict: an unknown key is an error, so a typo never silently drops data.
 */

// PostgreSQL text cannot hold NUL; a lone surrogate is not Unicode (and not valid in jsonb).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(
      (v) => !UNSTORABLE.test(v),
      'contains a NUL character or a lone surrogate, which cannot be stored',
    );
const optionalText = (max: number) =>
  storable(max)
    .nullish()
    .transform((v) => v ?? null);

export const MAX_EVENT_BYTES = 256 * 1024;
export const MAX_CHANGES = 500;
export const MAX_JSON_DEPTH = 32;
export const EARLIEST_OCCURRED_AT = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

/** Any JSON value that can be stored and canonicalised: bounded depth, storable strings, finite numbers. */
function checkJsonValue(value: unknown, depth: number): string | null {
  if (depth > MAX_JSON_DEPTH) return `is nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'is not a finite number';
  if (typeof value === 'string')
    return UNSTORABLE.test(value)
      ? 'contains a NUL character or a lone surrogate, which cannot be stored'
      : null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = checkJsonValue(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (UNSTORABLE.test(key)) return 'has a key with a NUL character or a lone surrogate';
      const problem = checkJsonValue(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  return 'is not a JSON value';
}
const jsonValue = z.unknown().superRefine((value, ctx) => {
  const problem = checkJsonValue(value, 1);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// RFC 3339 with an explicit offset (Z or ±hh:mm); up to microseconds are accepted, and the
// instant is kept to the millisecond (the chain's timestamps are millisecond ISO strings).
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
export function parseTimestamp(value: string): Date | string {
  const m = RFC3339.exec(value);
  if (!m) return 'must be an RFC 3339 timestamp with an offset, e.g. 2026-11-20T14:03:12.345+01:00';
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const probe = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (
    probe.getUTCFullYear() !== y ||
    probe.getUTCMonth() !== mo! - 1 ||
    probe.getUTCDate() !== d ||
    h! > 23 ||
    mi! > 59 ||
    s! > 59
  ) {
    return 'is not a real date and time';
  }
  const date = new Date(value.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) return 'is not a real date and time';
  return new Date(Math.floor(date.getTime()));
}
const timestamp = z.string().transform((value, ctx) => {
  const parsed = parseTimestamp(value);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  if (parsed.getTime() < EARLIEST_OCCURRED_AT) {
    ctx.addIssue({ code: 'custom', message: 'is before 2000-01-01' });
    return z.NEVER;
  }
  if (parsed.getTime() > Date.now() + MAX_FUTURE_MS) {
    ctx.addIssue({ code: 'custom', message: 'is more than 24 hours in the future' });
    return z.NEVER;
  }
  return parsed;
});

// Constructing a DateTimeFormat is slow; the set of zones a source uses is small.
const knownZones = new Map<string, boolean>();
function isTimeZone(tz: string): boolean {
  let known = knownZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 10_000) knownZones.set(tz, known);
  }
  return known;
}
const timeZone = storable(64).refine(isTimeZone, 'is not an IANA time zone (e.g. Europe/Berlin)');

export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

export const eventInputSchema = z.strictObject({
  id: storable(200).min(1, 'is required'),
  occurred_at: timestamp,
  action: z
    .string()
    .max(100, 'must be at most 100 characters')
    .regex(ACTION_PATTERN, 'must be resource.verb in lower case, e.g. candidate.update'),
  outcome: z
    .enum(['success', 'failure'], { error: 'must be "success" or "failure"' })
    .default('success'),
  actor: z.strictObject({
    id: optionalText(200),
    name: optionalText(200),
    email: optionalText(320),
    type: z
      .enum(['user', 'service', 'system', 'anonymous'], {
        error: 'must be user, service, system or anonymous',
      })
      .default('user'),
    ip: optionalText(100),
    user_agent: optionalText(1024),
    time_zone: timeZone.nullish().transform((v) => v ?? null),
  }),
  target: z
    .strictObject({ type: optionalText(100), id: optionalText(200), label: optionalText(500) })
    .nullish()
    .transform((v) => v ?? { type: null, id: null, label: null }),
  changes: z
    .array(
      z.strictObject({
        field: storable(200).min(1, 'is required'),
        old: jsonValue,
        new: jsonValue,
      }),
      { error: 'must be an array of {field, old, new}' },
    )
    .max(MAX_CHANGES, `must have at most ${MAX_CHANGES} entries`)
    .default([])
    // `old`/`new` may be absent (a field that did not exist): they are stored as null.
    .transform((changes) =>
      changes.map((c) => ({ field: c.field, old: c.old ?? null, new: c.new ?? null })),
    ),
  request_id: optionalText(200),
  session_id: optionalText(200),
  reason: optionalText(2000),
  metadata: z
    .record(z.string(), jsonValue, { error: 'must be a JSON object' })
    .nullish()
    .transform((v) => v ?? {}),
});

export type EventInput = z.input<typeof eventInputSchema>;
export type ValidEvent = z.output<typeof eventInputSchema>;

export type EventProblem = { index: number; field: string; message: string };

/** Validates one event; problems name the field path (e.g. `actor.time_zone`). */
export function validateEvent(
  raw: unknown,
  index: number,
): { ok: true; event: ValidEvent } | { ok: false; problems: EventProblem[] } {
  let bytes = 0;
  try {
    bytes = Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
  } catch {
    return {
      ok: false,
      problems: [{ index, field: '(event)', message: 'is not serialisable JSON' }],
    };
  }
  if (bytes > MAX_EVENT_BYTES) {
    return {
      ok: false,
      problems: [
        {
          index,
          field: '(event)',
          message: `is ${bytes} bytes; an event may be at most ${MAX_EVENT_BYTES} bytes`,
        },
      ],
    };
  }
  const result = eventInputSchema.safeParse(raw);
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          index,
          field: path ? `${path}.${key}` : key,
          message: 'is not a known field',
        }));
      }
      const message =
        issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
      return [{ index, field: path || '(event)', message }];
    }),
  };
}
