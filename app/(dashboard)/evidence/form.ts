/**
 * The evidence form's values: read from the page's URL (so other pages can link to a prepared
 * export), from the posted form, and written back into the URL when the export is refused. One
 * set of parsers for the page, the form and the route handler. Times are UTC throughout.
 */
import type { EvidenceScope } from '@/lib/evidence/export';

export const SCOPES = ['all', 'query', 'record', 'person'] as const;
export type ScopeKind = (typeof SCOPES)[number];

/** The form's fields as text, exactly as the inputs hold them. */
export type EvidenceFormValues = {
  from: string;
  to: string;
  scope: ScopeKind;
  q: string;
  recordType: string;
  recordId: string;
  person: string;
  alerts: boolean;
  sampleSize: string;
  sampleSeed: string;
};

/** The form fields by name (the `name` of each input, and the `field` an error points at). */
export const FIELD_NAMES = {
  from: 'from',
  to: 'to',
  scope: 'scope',
  q: 'q',
  recordType: 'record_type',
  recordId: 'record_id',
  person: 'person',
  alerts: 'alerts',
  sampleSize: 'sample_size',
  sampleSeed: 'sample_seed',
} as const satisfies Record<keyof EvidenceFormValues, string>;
export type FieldName = (typeof FIELD_NAMES)[keyof typeof FIELD_NAMES];

export const DEFAULT_DAYS = 30;
const LIMITS = { q: 2000, recordType: 200, recordId: 500, person: 500, sampleSeed: 128 };

const MOMENT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A moment typed into the form or given in a link, as a UTC ISO string: a date
 * (`2026-03-01`, midnight UTC), a datetime-local value (`2026-03-01T09:30`, read as UTC), or an
 * ISO instant with its own offset. Null when it is none of these or not a real date.
 */
export function parseMoment(text: string): string | null {
  const m = MOMENT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', ms = '0', zone] = m;
  const offset = !zone
    ? 'Z'
    : /^z$/i.test(zone)
      ? 'Z'
      : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms.padEnd(3, '0')}${offset}`;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  // Date.parse rolls 2026-02-31 over into March: refuse what is not on the calendar.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() + 1 !== Number(mo) || day.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const date = new Date(time);
  return date.toISOString();
}

/** A UTC instant as a datetime-local value (seconds only when not zero). */
export function toInputValue(iso: string): string {
  const text = new Date(iso).toISOString();
  return text.endsWith(':00.000Z') ? text.slice(0, 16) : text.slice(0, 19);
}

/** The last 30 days up to the next whole minute. */
export function defaultPeriod(now = new Date()): { from: string; to: string } {
  const to = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  const from = new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  return { from: toInputValue(from.toISOString()), to: toInputValue(to.toISOString()) };
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/**
 * The form's starting values from the page's URL: `?record=type/id`, `?person=actor-id`,
 * `?q=search`, `?from=…&to=…` (a date or an instant), and after a refused export every field as
 * it was sent. Notes say which link values could not be used.
 */
export function parseEvidenceSearchParams(
  sp: Record<string, string | string[] | undefined>,
  now = new Date(),
): { values: EvidenceFormValues; notes: string[] } {
  const notes: string[] = [];
  const period = defaultPeriod(now);
  const moment = (key: 'from' | 'to', fallback: string) => {
    const raw = first(sp[key]).slice(0, 100);
    if (!raw) return fallback;
    const iso = parseMoment(raw);
    // The inputs hold whole seconds: the period widens to them, never narrows.
    if (iso)
      return toInputValue(
        key === 'to' ? new Date(Math.ceil(Date.parse(iso) / 1000) * 1000).toISOString() : iso,
      );
    notes.push(`The link's ${key} ("${raw}") is not a date; the default is shown instead.`);
    return fallback;
  };
  const record = first(sp.record).slice(0, LIMITS.recordType + LIMITS.recordId + 1);
  const slash = record.indexOf('/');
  const recordType = first(sp.record_type) || (slash > 0 ? record.slice(0, slash) : record);
  const recordId = first(sp.record_id) || (slash > 0 ? record.slice(slash + 1) : '');
  const person = first(sp.person).slice(0, LIMITS.person);
  const q = first(sp.q).slice(0, LIMITS.q);
  const given = first(sp.scope);
  const scope: ScopeKind = (SCOPES as readonly string[]).includes(given)
    ? (given as ScopeKind)
    : q
      ? 'query'
      : recordType || recordId
        ? 'record'
        : person
          ? 'person'
          : 'all';
  return {
    values: {
      from: moment('from', period.from),
      to: moment('to', period.to),
      scope,
      q,
      recordType: recordType.slice(0, LIMITS.recordType),
      recordId: recordId.slice(0, LIMITS.recordId),
      person,
      alerts: first(sp.alerts) !== '0',
      sampleSize: first(sp.sample_size).slice(0, 12),
      sampleSeed: first(sp.sample_seed).slice(0, LIMITS.sampleSeed),
    },
    notes,
  };
}

/** The posted form's fields as text (missing ones empty; the alerts box is on when sent). */
export function valuesFromForm(form: FormData): EvidenceFormValues {
  const text = (name: FieldName, max: number) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.slice(0, max) : '';
  };
  const scope = text('scope', 20);
  return {
    from: text('from', 100),
    to: text('to', 100),
    scope: (SCOPES as readonly string[]).includes(scope) ? (scope as ScopeKind) : 'all',
    q: text('q', LIMITS.q + 1),
    recordType: text('record_type', LIMITS.recordType + 1),
    recordId: text('record_id', LIMITS.recordId + 1),
    person: text('person', LIMITS.person + 1),
    alerts: form.get('alerts') !== null,
    sampleSize: text('sample_size', 20),
    sampleSeed: text('sample_seed', LIMITS.sampleSeed + 1),
  };
}

/** The page's URL holding these values, to send the user back to the form as they left it. */
export function evidenceHref(values: EvidenceFormValues, extra: Record<string, string> = {}) {
  const params = new URLSearchParams();
  params.set('from', values.from);
  params.set('to', values.to);
  params.set('scope', values.scope);
  if (values.q) params.set('q', values.q.slice(0, LIMITS.q));
  if (values.recordType) params.set('record_type', values.recordType.slice(0, LIMITS.recordType));
  if (values.recordId) params.set('record_id', values.recordId.slice(0, LIMITS.recordId));
  if (values.person) params.set('person', values.person.slice(0, LIMITS.person));
  if (!values.alerts) params.set('alerts', '0');
  if (values.sampleSize) params.set('sample_size', values.sampleSize);
  if (values.sampleSeed) params.set('sample_seed', values.sampleSeed.slice(0, LIMITS.sampleSeed));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `/evidence?${params}`;
}

export type FormProblem = { error: string; field: FieldName | null };

/**
 * The posted values as an EvidenceScope, or the first problem with the field it is about. The
 * library validates again (and parses the search); this gives the person filling in the form a
 * message in the form's own words.
 */
export function scopeFromValues(
  v: EvidenceFormValues,
): { ok: true; scope: EvidenceScope } | ({ ok: false } & FormProblem) {
  const problem = (error: string, field: FieldName | null) => ({
    ok: false as const,
    error,
    field,
  });
  if (!v.from.trim()) return problem('Enter the start of the period (From).', 'from');
  const from = parseMoment(v.from);
  if (!from)
    return problem(
      `From ("${v.from}") is not a date and time: use YYYY-MM-DDTHH:MM, in UTC.`,
      'from',
    );
  if (!v.to.trim()) return problem('Enter the end of the period (To).', 'to');
  const to = parseMoment(v.to);
  if (!to)
    return problem(`To ("${v.to}") is not a date and time: use YYYY-MM-DDTHH:MM, in UTC.`, 'to');
  if (Date.parse(to) <= Date.parse(from))
    return problem('The end of the period (To) must be after its start (From).', 'to');
  const scope: EvidenceScope = { from, to, alerts: v.alerts };
  if (v.scope === 'query') {
    if (!v.q.trim()) return problem('Enter a search, or choose another scope.', 'q');
    if (v.q.length > LIMITS.q)
      return problem(
        `The search must be at most ${LIMITS.q.toLocaleString('en-US')} characters.`,
        'q',
      );
    scope.query = v.q;
  } else if (v.scope === 'record') {
    if (!v.recordType.trim())
      return problem('Enter the record type (for example employee).', 'record_type');
    if (!v.recordId.trim()) return problem('Enter the record id.', 'record_id');
    if (v.recordType.length > LIMITS.recordType)
      return problem(
        `The record type must be at most ${LIMITS.recordType} characters.`,
        'record_type',
      );
    if (v.recordId.length > LIMITS.recordId)
      return problem(`The record id must be at most ${LIMITS.recordId} characters.`, 'record_id');
    scope.record = { type: v.recordType.trim(), id: v.recordId.trim() };
  } else if (v.scope === 'person') {
    if (!v.person.trim()) return problem("Enter the person's actor id.", 'person');
    if (v.person.length > LIMITS.person)
      return problem(`The actor id must be at most ${LIMITS.person} characters.`, 'person');
    scope.person = v.person.trim();
  }
  const size = v.sampleSize.trim();
  const seed = v.sampleSeed.trim();
  if (size) {
    if (!/^\d+$/.test(size))
      return problem(`The sample size ("${size}") must be a whole number.`, 'sample_size');
    scope.sample = { size: Number(size), ...(seed ? { seed } : {}) };
  } else if (seed) return problem('Give a sample size to use a seed.', 'sample_size');
  return { ok: true, scope };
}

/** The form field a library error names (its zod path or ExpectedError field). */
export function formField(libraryField: string | undefined): FieldName | null {
  switch (libraryField) {
    case 'from':
      return 'from';
    case 'to':
      return 'to';
    case 'query':
      return 'q';
    case 'record':
    case 'record.type':
      return 'record_type';
    case 'record.id':
      return 'record_id';
    case 'person':
      return 'person';
    case 'sample':
    case 'sample.size':
      return 'sample_size';
    case 'sample.seed':
      return 'sample_seed';
    default:
      return null;
  }
}
