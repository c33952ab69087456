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
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

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
  // Kept as given, not copied key by key: a copy would drop an own `__proto__` key.
  // (The input type says what a source sends; the transform checks it, whatever arrived.)
  metadata: z
    .custom<Record<string, unknown> | null>(() => true)
    .optional()
    .transform((value, ctx): Record<string, unknown> => {
      if (value === null || value === undefined) return {};
      if (!isPlainObject(value)) {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
      for (const [key, item] of Object.entries(value)) {
        const problem = UNSTORABLE.test(key)
          ? 'has a key with a NUL character or a lone surrogate'
          : checkJsonValue(item, 1);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
      }
      return value;
    }),
});

export type EventInput = z.input<typeof eventInputSchema>;
export type ValidEvent = z.output<typeof eventInputSchema>;

export type EventProblem = { index: number; field: string; message: string };

/** Validates one event; problems name the field path (e.g. `actor.time_zone`). */
export function validateEvent(
  raw: unknown,
  index: number,
): { ok: true; event: ValidEvent } | { ok: false; problems: EventProblem[] } {
  const fast = validAsItStands(raw);
  return fast ? { ok: true, event: fast } : validateWithSchema(raw, index);
}

/** validateEvent without its fast path: the schema, with the problems it names. */
export function validateWithSchema(
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

/*
 * The fast path of validateEvent (ingest's hot path: the schema cost 15 µs an event). It accepts
 * only an event that is valid exactly as it stands and returns what the schema would; anything
 * else (a problem, a missing `old`, a key it does not know, an odd prototype) returns null and
 * goes through the schema, which names the problems. lib/events/schema.test.ts checks the two
 * agree on generated events, valid and not.
 */
const KNOWN_KEYS = new Set([
  'id',
  'occurred_at',
  'action',
  'outcome',
  'actor',
  'target',
  'changes',
  'request_id',
  'session_id',
  'reason',
  'metadata',
]);
const ACTOR_KEYS = new Set(['id', 'name', 'email', 'type', 'ip', 'user_agent', 'time_zone']);
const TARGET_KEYS = new Set(['type', 'id', 'label']);
const ACTOR_TYPES = new Set(['user', 'service', 'system', 'anonymous']);
const DECLINE = -1;

/** An upper bound of the UTF-8 bytes of JSON.stringify(value), or DECLINE. */
function jsonBound(value: unknown, depth: number): number {
  if (depth > MAX_JSON_DEPTH) return DECLINE;
  if (value === null) return 4;
  switch (typeof value) {
    case 'boolean':
      return 5;
    case 'number':
      return Number.isFinite(value) ? 24 : DECLINE;
    case 'string':
      // At most 6 bytes per UTF-16 unit (\uXXXX), plus the quotes.
      return UNSTORABLE.test(value) ? DECLINE : value.length * 6 + 2;
    case 'object': {
      let total = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const bound = jsonBound(value[i], depth + 1);
          if (bound === DECLINE) return DECLINE;
          total += bound + 1;
        }
        return total;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return DECLINE;
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || UNSTORABLE.test(key)) return DECLINE;
        const bound = jsonBound((value as Record<string, unknown>)[key], depth + 1);
        if (bound === DECLINE) return DECLINE;
        total += key.length * 6 + 4 + bound;
      }
      return total;
    }
    default:
      return DECLINE;
  }
}

/** A storable string of at most max characters (or null when nullable and absent). */
function textBound(value: unknown, max: number, nullable: boolean): number {
  if (value === undefined || value === null) return nullable ? 4 : DECLINE;
  if (typeof value !== 'string' || value.length > max || UNSTORABLE.test(value)) return DECLINE;
  return value.length * 6 + 2;
}

const hasOnly = (value: object, keys: Set<string>) => {
  for (const key of Object.keys(value)) if (!keys.has(key)) return false;
  return true;
};
const plain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

export function validAsItStands(raw: unknown): ValidEvent | null {
  if (!plain(raw) || !hasOnly(raw, KNOWN_KEYS)) return null;
  const { actor, target, changes, metadata } = raw;
  let bound = 400; // keys, punctuation and the fixed-size members

  for (const [value, max, nullable] of [
    [raw.id, 200, false],
    [raw.action, 100, false],
    [raw.request_id, 200, true],
    [raw.session_id, 200, true],
    [raw.reason, 2000, true],
  ] as const) {
    const b = textBound(value, max, nullable);
    if (b === DECLINE) return null;
    bound += b;
  }
  if ((raw.id as string).length === 0 || !ACTION_PATTERN.test(raw.action as string)) return null;
  const outcome = raw.outcome === undefined ? 'success' : raw.outcome;
  if (outcome !== 'success' && outcome !== 'failure') return null;
  if (typeof raw.occurred_at !== 'string') return null;
  const occurredAt = parseTimestamp(raw.occurred_at);
  if (
    typeof occurredAt === 'string' ||
    occurredAt.getTime() < EARLIEST_OCCURRED_AT ||
    occurredAt.getTime() > Date.now() + MAX_FUTURE_MS
  )
    return null;
  bound += raw.occurred_at.length + 2;

  if (!plain(actor) || !hasOnly(actor, ACTOR_KEYS)) return null;
  const actorType = actor.type === undefined ? 'user' : actor.type;
  if (typeof actorType !== 'string' || !ACTOR_TYPES.has(actorType)) return null;
  for (const [value, max] of [
    [actor.id, 200],
    [actor.name, 200],
    [actor.email, 320],
    [actor.ip, 100],
    [actor.user_agent, 1024],
    [actor.time_zone, 64],
  ] as const) {
    const b = textBound(value, max, true);
    if (b === DECLINE) return null;
    bound += b;
  }
  if (typeof actor.time_zone === 'string' && !isTimeZone(actor.time_zone)) return null;

  let validTarget: ValidEvent['target'] = { type: null, id: null, label: null };
  if (target !== undefined && target !== null) {
    if (!plain(target) || !hasOnly(target, TARGET_KEYS)) return null;
    for (const [value, max] of [
      [target.type, 100],
      [target.id, 200],
      [target.label, 500],
    ] as const) {
      const b = textBound(value, max, true);
      if (b === DECLINE) return null;
      bound += b;
    }
    validTarget = {
      type: (target.type ?? null) as string | null,
      id: (target.id ?? null) as string | null,
      label: (target.label ?? null) as string | null,
    };
  }

  const validChanges: ValidEvent['changes'] = [];
  if (changes !== undefined) {
    if (!Array.isArray(changes) || changes.length > MAX_CHANGES) return null;
    for (const change of changes) {
      if (!plain(change) || !hasOnly(change, CHANGE_KEYS)) return null;
      const { field, old, new: next } = change;
      if (old === undefined || next === undefined) return null;
      const b = textBound(field, 200, false);
      if (b === DECLINE || (field as string).length === 0) return null;
      const oldBound = jsonBound(old, 1);
      const newBound = jsonBound(next, 1);
      if (oldBound === DECLINE || newBound === DECLINE) return null;
      bound += b + oldBound + newBound + 24;
      validChanges.push({ field: field as string, old, new: next });
    }
  }

  let validMetadata: Record<string, unknown> = {};
  if (metadata !== undefined && metadata !== null) {
    if (!plain(metadata)) return null;
    const b = jsonBound(metadata, 0);
    if (b === DECLINE) return null;
    bound += b;
    validMetadata = metadata;
  }

  // Only a bound: an event that might be too large is measured exactly by the slow path.
  if (bound > MAX_EVENT_BYTES) return null;
  return {
    id: raw.id as string,
    occurred_at: occurredAt,
    action: raw.action as string,
    outcome,
    actor: {
      id: (actor.id ?? null) as string | null,
      name: (actor.name ?? null) as string | null,
      email: (actor.email ?? null) as string | null,
      type: actorType as ValidEvent['actor']['type'],
      ip: (actor.ip ?? null) as string | null,
      user_agent: (actor.user_agent ?? null) as string | null,
      time_zone: (actor.time_zone ?? null) as string | null,
    },
    target: validTarget,
    changes: validChanges,
    request_id: (raw.request_id ?? null) as string | null,
    session_id: (raw.session_id ?? null) as string | null,
    reason: (raw.reason ?? null) as string | null,
    metadata: validMetadata,
  };
}
const CHANGE_KEYS = new Set(['field', 'old', 'new']);
