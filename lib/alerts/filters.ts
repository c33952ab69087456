/**
 * The alert queue's filters, as they live in the URL (`/alerts?status=open&severity=high`).
 * One parser serves the page, the bulk actions ("every alert matching these filters") and the
 * tests, so what a reviewer sees is exactly what a bulk action touches.
 */
import { RULE_IDS, SEVERITIES, type RuleId, type Severity } from '@/lib/detection/types';

export const STATUS_FILTERS = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const AGE_FILTERS = ['1d', '7d', '30d', 'over7d', 'over30d'] as const;
export type AgeFilter = (typeof AGE_FILTERS)[number];
export const AGE_LABELS: Record<AgeFilter, string> = {
  '1d': 'Raised in the last day',
  '7d': 'Raised in the last 7 days',
  '30d': 'Raised in the last 30 days',
  over7d: 'Waiting over 7 days',
  over30d: 'Waiting over 30 days',
};
export const SNOOZE_FILTERS = ['hide', 'show', 'only'] as const;
export type SnoozeFilter = (typeof SNOOZE_FILTERS)[number];

export type AlertFilters = {
  status: StatusFilter;
  severity: Severity | null;
  rule: RuleId | null;
  /** `me`, `none`, or a user id. */
  assignee: string | null;
  actor: string | null;
  age: AgeFilter | null;
  snoozed: SnoozeFilter;
  /** Raised at or after / before these instants (ISO 8601), e.g. from an overview chart. */
  raisedAfter: string | null;
  raisedBefore: string | null;
};

export const DEFAULT_FILTERS: AlertFilters = {
  status: 'active',
  severity: null,
  rule: null,
  assignee: null,
  actor: null,
  age: null,
  snoozed: 'hide',
  raisedAfter: null,
  raisedBefore: null,
};

/** A date (YYYY-MM-DD, UTC midnight) or an RFC 3339 instant with an offset, as ISO 8601 UTC. */
function instant(raw: string): string | null {
  const m =
    /^\d{4}-\d{2}-\d{2}$/.test(raw) ||
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  if (!m) return null;
  const t = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;
function get(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}
function oneOf<T extends string>(list: readonly T[], value: string | undefined): T | null {
  return value !== undefined && (list as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * Reads the filters from URL parameters. A value that is not one of the allowed ones is an
 * error naming the parameter, not silently dropped (the link would show something else).
 */
export function parseAlertFilters(
  params: Params,
): { ok: true; filters: AlertFilters } | { ok: false; error: string } {
  const f: AlertFilters = { ...DEFAULT_FILTERS };
  const checks: [keyof AlertFilters, readonly string[] | null][] = [
    ['status', STATUS_FILTERS],
    ['severity', SEVERITIES],
    ['rule', RULE_IDS],
    ['age', AGE_FILTERS],
    ['snoozed', SNOOZE_FILTERS],
  ];
  for (const [key, list] of checks) {
    const raw = get(params, key);
    if (raw === undefined || raw === '') continue;
    const value = oneOf(list!, raw);
    if (value === null)
      return { ok: false, error: `Unknown ${key} "${raw}": use one of ${list!.join(', ')}.` };
    (f as Record<string, unknown>)[key] = value;
  }
  const assignee = get(params, 'assignee');
  if (assignee) {
    if (assignee !== 'me' && assignee !== 'none' && !UUID.test(assignee))
      return { ok: false, error: 'Unknown assignee: use me, none or a user id.' };
    f.assignee = assignee;
  }
  for (const key of ['raisedAfter', 'raisedBefore'] as const) {
    const raw = get(params, key);
    if (!raw) continue;
    const value = instant(raw);
    if (!value)
      return {
        ok: false,
        error: `${key} "${raw.slice(0, 40)}" is not a date (YYYY-MM-DD) or a date and time with an offset.`,
      };
    f[key] = value;
  }
  if (f.raisedAfter && f.raisedBefore && f.raisedAfter >= f.raisedBefore)
    return { ok: false, error: 'raisedAfter must be before raisedBefore.' };
  const actor = get(params, 'actor');
  if (actor) {
    if (actor.length > 200)
      return { ok: false, error: 'The actor must be at most 200 characters.' };
    f.actor = actor;
  }
  return { ok: true, filters: f };
}

/** The URL parameters for filters (defaults left out, so links stay short). */
export function filtersToParams(f: AlertFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_FILTERS) as (keyof AlertFilters)[]) {
    const value = f[key];
    if (value !== null && value !== DEFAULT_FILTERS[key]) p.set(key, String(value));
  }
  return p;
}
